// One host entry of a lab file (LAB-FORMAT §6): read fully, with every error
// reported, for the hosts of the selected labs.
#pragma once

#include <string>
#include <string_view>

#include "lab/creds.hpp"
#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

struct EntryContext {
    FileForm form = FileForm::current;
    std::string base_dir;  // absolute directory of the declaring file (§15.2)
};

// Reads `entry` (an object, checked by the caller) into a host. The id and
// every field are set as far as they are valid; the host is usable only when
// nothing was added to `errors`. `name` stays empty when the file has none
// (name_generated is set; the loader generates it, §8.5).
LabHost read_host_entry(const JsonRef &entry, const EntryContext &context, Diagnostics &errors, Diagnostics &warnings);

// The known keys of a host entry, for unknown-key messages.
const std::vector<std::string_view> &host_keys();

}  // namespace otto::lab
