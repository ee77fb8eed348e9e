// A host's `ssh_options` (LAB-FORMAT §9) and `telnet_options` (§10).
#pragma once

#include <string_view>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

// `base_dir` is the directory of the declaring lab file: relative key and
// known_hosts files resolve against it (§15.2). Missing identity files are
// warnings here (they are connect errors later).
SshOptions read_ssh_options(const JsonRef &value, std::string_view base_dir, Diagnostics &errors,
                            Diagnostics &warnings);

TelnetOptions read_telnet_options(const JsonRef &value, Diagnostics &errors, Diagnostics &warnings);

}  // namespace otto::lab
