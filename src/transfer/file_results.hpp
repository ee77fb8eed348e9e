// What file operations and transfers hand back through the C API, and their
// JSON renderings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "otto.h"
#include "transfer/remote_files.hpp"

struct cJSON;

// A file operation's outcome: a read's bytes or a realpath's path, or the
// entries of a stat, list or glob.
struct otto_file_result {
    std::string data;
    std::vector<otto::FileInfo> entries;
};

// A put's or get's outcome, one entry per file in the order given.
struct otto_transfer_result {
    struct File {
        std::string source;
        std::string destination;
        int32_t status = OTTO_STATUS_NOTRUN;
        int error = OTTO_OK;
        std::string message;
        uint64_t bytes = 0;
    };
    std::vector<File> files;

    // Success when every file arrived, NotRun when none was tried (dry run),
    // else Error.
    int32_t status() const;
};

namespace otto {

cJSON *to_json_object(const otto_file_result &result);
cJSON *to_json_object(const otto_transfer_result &result);
std::string to_json(const otto_file_result &result);
std::string to_json(const otto_transfer_result &result);

}  // namespace otto
