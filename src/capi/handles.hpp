// The C API's own handle and options structs. Options are plain data behind
// a mutex (every public function is thread-safe), copied when used.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fleet/lab_context.hpp"
#include "fleet/schedule.hpp"
#include "host/host_config.hpp"
#include "loop/engine.hpp"
#include "otto.h"
#include "session/run_job.hpp"

struct otto_context {
    std::shared_ptr<otto::Engine> engine;
    std::unique_ptr<otto::fleet::LabContext> lab;  // always set: a lab, or just the local host
    bool lab_loaded = false;                       // from a lab file, not the bare local host
};

struct otto_context_opts {
    mutable std::mutex mutex;
    otto::EngineOptions options;
    std::optional<std::string> lab;
    std::vector<std::string> lab_paths;
    std::optional<std::string> lab_json;
};

struct otto_repeat_opts {
    mutable std::mutex mutex;
    otto::fleet::ScheduleLimits limits;
};

struct otto_fanout_opts {
    mutable std::mutex mutex;
    std::optional<std::string> hosts;  // the regex
    bool serial = false;
    size_t limit = 0;
    bool include_local = false;
};

struct otto_transfer_opts {
    mutable std::mutex mutex;
    std::optional<uint32_t> mode;
    otto::EventSink events;
};

struct otto_host_opts {
    mutable std::mutex mutex;
    otto::HostConfig config;
    bool id_given = false;  // otherwise each kind picks its default id
};

// An expect as given: compiled only at submission, so that the error names
// the call that used it.
struct ExpectSpec {
    std::string pattern;
    std::string response;
    uint32_t flags = 0;
};

struct otto_run_opts {
    mutable std::mutex mutex;
    std::optional<double> timeout;
    std::vector<ExpectSpec> expects;
    otto::EventSink events;
    uint64_t output_limit = otto::CommandReader::kDefaultRetainLimit;
};

struct otto_commands {
    struct Item {
        std::string command;
        std::optional<double> timeout;
        std::optional<std::vector<ExpectSpec>> expects;
    };
    mutable std::mutex mutex;
    std::vector<Item> items;
};
