// The records handed to user callbacks, as the C API exposes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

// One streaming event; its data is borrowed for the callback's duration.
struct otto_event {
    int32_t kind;
    const char *data;
    size_t size;
    size_t command_index;
    uint64_t done;   // progress events: bytes moved so far
    uint64_t total;  // ... of this many
};

// One entry of a context's log.
struct otto_log_entry {
    int32_t level;
    int32_t kind;
    std::string host;
    std::string session;
    std::string text;
};
