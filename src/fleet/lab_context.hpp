// The hosts of a context's lab (reference 002): created on first use, handed
// out as borrowed handles that live as long as the context, closed with it.
// Any thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/lab_host_config.hpp"
#include "lab/lab_model.hpp"
#include "loop/engine.hpp"
#include "util/error.hpp"

struct otto_host;

namespace otto::fleet {

class LabContext {
public:
    LabContext(std::shared_ptr<Engine> engine, lab::Lab lab);
    ~LabContext();

    const lab::Lab &lab() const { return lab_; }
    size_t size() const { return lab_.hosts.size(); }
    // The index of `id`, or nothing.
    std::optional<size_t> find(std::string_view id) const;
    // "a, b, local": for messages about unknown ids.
    std::string known_ids() const;

    // The open host for the entry at `index`: the one handed out before,
    // unless it was closed since; then a fresh one (the closed handle stays
    // valid, and closed, until the context goes). Fails with the reason
    // otto cannot reach the host.
    std::shared_ptr<otto_host> host(size_t index, Error &error);

private:
    struct Slot {
        std::shared_ptr<otto_host> current;
        std::vector<std::shared_ptr<otto_host>> retired;
    };

    const std::shared_ptr<Engine> engine_;
    const lab::Lab lab_;
    const std::vector<LabHostConfig> configs_;  // one per host entry, made once
    std::mutex mutex_;
    std::vector<Slot> slots_;
};

}  // namespace otto::fleet
