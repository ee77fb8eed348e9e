// What a fan-out gives back: every selected host with its own finished op
// (API.md §6: host id -> result or error).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loop/operation.hpp"

struct otto_fanout_result {
    struct Entry {
        std::string host;
        std::shared_ptr<otto::Operation> op;  // done
    };
    std::string lab;
    std::vector<Entry> entries;
};

namespace otto::fleet {

// A finished op's status: its run or command status, Error if it failed,
// Success for ops without a status (a close, a send).
int32_t op_status(const Operation &op);
// The worse of two statuses: Success < Skipped < NotRun < Failed < Error.
int32_t worse_status(int32_t a, int32_t b);
int32_t worst_status(const otto_fanout_result &result);

std::string to_json(const otto_fanout_result &result);

}  // namespace otto::fleet
