// Loading a lab: the files of the search paths (or JSON text), the hosts of
// the selected labs merged, checked and completed (LAB-FORMAT §2, §11-§13).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/lab_model.hpp"

namespace otto::lab {

enum class LabErrorCode {
    parse_error,    // a file or a selected host is malformed (OTTO_EPARSE)
    lab_not_found,  // no file, or a selected lab has no host (OTTO_ELABNOTFOUND)
    bad_selection,  // the selection is not LAB[+LAB...] (OTTO_EINVAL)
};

// All or nothing (§13.1): either a lab, or an error and no host at all.
struct LabLoadResult {
    std::optional<Lab> lab;
    std::vector<std::string> warnings;
    LabErrorCode code = LabErrorCode::parse_error;  // when there is no lab
    // One message per line, in file and position order; at most 50 then a
    // count (§13.4).
    std::vector<std::string> errors;

    bool ok() const { return lab.has_value(); }
    // The errors joined by newlines.
    std::string error_message() const;
};

// Loads `selection` ("lab1" or "lab1+lab2") from the files of `search_paths`
// (§2): each a ".json" file or a directory holding lab.json or hosts.json.
LabLoadResult load_lab(std::string_view selection, const std::vector<std::string> &search_paths);

// The same from one JSON text, named "<text>" in messages; relative key files
// resolve against the current directory.
LabLoadResult load_lab_text(std::string_view selection, std::string json_text);

}  // namespace otto::lab
