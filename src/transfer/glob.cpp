#include "transfer/glob.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace otto {

void sort_by_name(std::vector<FileInfo> &entries) {
    std::sort(entries.begin(), entries.end(), [](const FileInfo &a, const FileInfo &b) { return a.name < b.name; });
}

std::vector<FileInfo> glob_entries(std::vector<FileInfo> entries, const std::string &dir, const std::string &pattern) {
    std::vector<FileInfo> matches;
    std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    for (auto &e : entries) {
        if (fnmatch(pattern.c_str(), e.name.c_str(), FNM_PERIOD) != 0) continue;
        e.name = prefix + e.name;
        matches.push_back(std::move(e));
    }
    sort_by_name(matches);
    return matches;
}

}  // namespace otto
