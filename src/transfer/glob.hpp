// Glob over a directory listing, matched on the controller (so every host
// kind behaves the same, whatever its shell): fnmatch rules, a leading dot
// matched only explicitly, results sorted by name.
#pragma once

#include <string>
#include <vector>

#include "transfer/remote_files.hpp"

namespace otto {

// The entries of `dir` whose name matches `pattern`, sorted, each renamed
// "dir/name".
std::vector<FileInfo> glob_entries(std::vector<FileInfo> entries, const std::string &dir, const std::string &pattern);

// Entries sorted by name (byte order).
void sort_by_name(std::vector<FileInfo> &entries);

}  // namespace otto
