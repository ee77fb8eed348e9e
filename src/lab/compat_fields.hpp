// The host keys kept for compatibility with the original otto (LAB-FORMAT
// §6.2): type-checked, kept, used by no session.
#pragma once

#include <string_view>
#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

// The host-entry keys this reader handles.
const std::vector<std::string_view> &compat_keys();

// Reads one member of a host entry whose key is in compat_keys().
void read_compat_field(const JsonRef &member, CompatFields &out, Diagnostics &errors);

}  // namespace otto::lab
