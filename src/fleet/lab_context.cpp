#include "fleet/lab_context.hpp"

#include "capi/handles.hpp"
#include "host/host.hpp"

namespace otto::fleet {

namespace {

std::vector<LabHostConfig> configs_of(const lab::Lab &lab) {
    std::vector<LabHostConfig> configs;
    for (const auto &host : lab.hosts) configs.push_back(host_config_for(host));
    return configs;
}

}  // namespace

LabContext::LabContext(std::shared_ptr<Engine> engine, lab::Lab lab)
    : engine_(std::move(engine)), lab_(std::move(lab)), configs_(configs_of(lab_)), slots_(lab_.hosts.size()) {}

LabContext::~LabContext() = default;

std::optional<size_t> LabContext::find(std::string_view id) const {
    for (size_t i = 0; i < lab_.hosts.size(); ++i) {
        if (lab_.hosts[i].id == id) return i;
    }
    return std::nullopt;
}

std::string LabContext::known_ids() const {
    std::string out;
    for (const auto &h : lab_.hosts) {
        if (!out.empty()) out += ", ";
        out += h.id;
    }
    return out;
}

std::shared_ptr<otto_host> LabContext::host(size_t index, Error &error) {
    const LabHostConfig &made = configs_.at(index);
    if (made.unsupported) {
        error = made.unsupported;
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    Slot &slot = slots_[index];
    if (slot.current && !slot.current->closed()) return slot.current;
    if (engine_->closed()) {
        error = Error(OTTO_ECLOSED, "the context is closed");
        return nullptr;
    }
    if (slot.current) slot.retired.push_back(std::move(slot.current));
    slot.current = std::make_shared<otto_host>(engine_, made.config);
    engine_->register_closable(slot.current);
    return slot.current;
}

}  // namespace otto::fleet
