// What fan-outs and polls share: choosing the lab's hosts by the fan-out
// options.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capi/handles.hpp"
#include "fleet/fanout.hpp"
#include "session/pattern.hpp"

namespace otto {

// The fan-out options' hosts regex, compiled; a bad one throws
// ApiError(OTTO_EINVAL) quoting it and saying why.
Pattern compile_hosts_regex(std::string_view regex);

// The fan-out options as read once, with the regex compiled.
struct SelectionRule {
    otto_fanout_opts settings;
    std::optional<Pattern> pattern;

    explicit SelectionRule(const otto_fanout_opts *opts);
    bool selects(const std::string &id) const;
};

struct Selection {
    std::vector<fleet::FanoutTarget> targets;
    size_t limit = 0;
};

// The selected hosts in lab order, each with its handle or why it cannot be
// used. An empty selection fails with OTTO_ENOTFOUND naming the lab's hosts.
Selection select_hosts(otto_context *ctx, const otto_fanout_opts *opts);

}  // namespace otto
