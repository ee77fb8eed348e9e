// File names in lab files and search paths: `~` and relative paths
// (LAB-FORMAT §2.3, §15.2).
#pragma once

#include <string>
#include <string_view>

namespace otto::lab {

// "~" and "~/..." become the home directory ($HOME, else the account's).
std::string expand_home(std::string_view path);

// expand_home(path), then, when still relative, resolved against `base_dir`
// (kept relative when `base_dir` is empty).
std::string resolve_path(std::string_view path, std::string_view base_dir);

// The directory part of a file name ("" for a bare name).
std::string directory_of(std::string_view file);

}  // namespace otto::lab
