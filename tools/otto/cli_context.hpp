// The context every command works in: the lab, found where the user said,
// and the log shown on the terminal.
#pragma once

#include <string>
#include <vector>

#include "handles.hpp"

namespace otto_cli {

struct LabArgs {
    std::string lab;                     // --lab, else $OTTO_LAB; empty: the local host alone
    std::vector<std::string> lab_paths;  // --lab-path, in order
    bool dry_run = false;
    bool verbose = false;
};

// The search paths: the current directory, then --lab-path entries, then
// those of OTTO_LAB_PATH (separated by ':').
std::vector<std::string> lab_search_paths(const LabArgs &args);

// Opens the context (callbacks on this thread, inside dispatch), or throws
// CliError naming the lab problem.
ContextPtr open_context(const LabArgs &args);

}  // namespace otto_cli
