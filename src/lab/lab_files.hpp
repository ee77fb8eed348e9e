// Finding and reading lab files (LAB-FORMAT §2).
#pragma once

#include <string>
#include <vector>

namespace otto::lab {

struct LabFileSearch {
    // The files to read, in search-path order, each once, named as messages
    // name them (the search path as given, `~` expanded, plus the file name).
    std::vector<std::string> files;
    // What each search path gave or lacked, for the lab-not-found message.
    std::vector<std::string> tried;
    // A directory with both lab.json and hosts.json (§2.1).
    std::vector<std::string> warnings;
};

// Resolves each search path: a path ending in ".json" is a file; anything
// else a directory holding lab.json or else hosts.json. Paths that lead to
// no file are skipped.
LabFileSearch find_lab_files(const std::vector<std::string> &search_paths);

// The whole file, or nothing with `error` set ("cannot read ...: reason").
bool read_whole_file(const std::string &file, std::string &text, std::string &error);

}  // namespace otto::lab
