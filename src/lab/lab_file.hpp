// One lab file checked for what every file must satisfy, whichever lab is
// selected (LAB-FORMAT §11.4): JSON syntax, the top-level shape of its form
// (§4.1, §5.1), and host entries that are objects with a `labs` array of
// strings.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/creds.hpp"
#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"

namespace otto::lab {

struct HostEntry {
    JsonRef entry;
    std::vector<std::string> labs;
};

struct LabFile {
    std::unique_ptr<JsonDocument> document;
    FileForm form = FileForm::current;
    std::string base_dir;  // absolute; relative key files resolve against it
    std::vector<HostEntry> hosts;
    std::vector<JsonRef> links;
};

// Parses `text` and checks its shape. Returns nothing when the file is not
// JSON or its top level is unusable; a file whose hosts have shape errors is
// returned (its errors already reported) so that selection can go on.
std::optional<LabFile> read_lab_file(std::string text, std::string name, size_t file_order, std::string base_dir,
                                     Diagnostics &errors, Diagnostics &warnings);

}  // namespace otto::lab
