// Hop chains of a loaded lab (LAB-FORMAT §15.4): every `hop` names an SSH
// host of the same lab, chains are at most 8 deep and never loop.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

inline constexpr size_t kMaxHopDepth = 8;

// `hop_values[i]` is where hosts[i]'s `hop` is written (nothing for hosts
// without one, such as the built-in local host). Each broken chain is
// reported once, at the host it concerns: an unknown or non-SSH hop at the
// host naming it, a cycle at its first member in lab order, a chain too deep
// at the host it starts from.
void check_hops(const std::vector<LabHost> &hosts, const std::vector<std::optional<JsonRef>> &hop_values,
                const std::string &lab_name, Diagnostics &errors);

}  // namespace otto::lab
