#include "capi/fleet_support.hpp"

#include <mutex>

#include "capi/api_guard.hpp"

namespace otto {

using fleet::FanoutTarget;

Pattern compile_hosts_regex(std::string_view regex) { return Pattern::compile_selector(regex, "hosts regex"); }

SelectionRule::SelectionRule(const otto_fanout_opts *opts) {
    if (opts != nullptr) {
        std::lock_guard lock(opts->mutex);
        settings.hosts = opts->hosts;
        settings.serial = opts->serial;
        settings.limit = opts->limit;
        settings.include_local = opts->include_local;
    }
    if (settings.hosts) pattern = compile_hosts_regex(*settings.hosts);
}

bool SelectionRule::selects(const std::string &id) const {
    if (id == "local" && !settings.include_local) return false;  // LAB-FORMAT §12
    return !pattern || pattern->found_in(id);
}

Selection select_hosts(otto_context *ctx, const otto_fanout_opts *opts) {
    SelectionRule rule(opts);
    Selection selection;
    selection.limit = rule.settings.serial ? 1 : rule.settings.limit;
    const auto &hosts = ctx->lab->lab().hosts;
    for (size_t i = 0; i < hosts.size(); ++i) {
        if (!rule.selects(hosts[i].id)) continue;
        FanoutTarget target{hosts[i].id, nullptr, {}};
        target.host = ctx->lab->host(i, target.error);
        selection.targets.push_back(std::move(target));
    }
    if (selection.targets.empty()) {
        const auto &settings = rule.settings;
        std::string what = settings.hosts ? "matches /" + *settings.hosts + "/" : "is selected";
        if (!settings.include_local) what += " (the local host is left out unless included)";
        std::string lab = ctx->lab_loaded ? "lab \"" + ctx->lab->lab().name + "\"" : "the context (no lab)";
        fail(OTTO_ENOTFOUND, "no host of " + lab + " " + what + "; its hosts: " + ctx->lab->known_ids());
    }
    return selection;
}

}  // namespace otto
