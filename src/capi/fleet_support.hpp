// What fan-outs and polls share: choosing the lab's hosts by the fan-out
// options, and the ops a host's part runs under.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capi/handles.hpp"
#include "fleet/fanout.hpp"
#include "session/pattern.hpp"

namespace otto {

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

// A host's part of a fan-out or poll: an op of its own, tracked so that
// freeing the context cancels it like any other.
std::shared_ptr<Operation> host_op(const std::shared_ptr<otto_host> &host, OpKind kind, EventSink events);

}  // namespace otto
