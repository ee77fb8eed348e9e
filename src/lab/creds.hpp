// A host's `creds` (LAB-FORMAT §5.2, §5.5, §7).
#pragma once

#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

enum class FileForm { current, legacy };

// Reads and checks the creds of one host: the list form, or in the legacy
// form also an object mapping login to password. Checks unique logins and
// the proxy/via chains. Passwords never appear in messages.
std::vector<Cred> read_creds(const JsonRef &value, FileForm form, Diagnostics &errors);

}  // namespace otto::lab
