// The `links` of lab.json (LAB-FORMAT §4.2): data-plane routes between hosts.
// otto checks their shape only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

// The host ids a link names, read leniently (nothing for a malformed link),
// to decide whether it concerns the loaded lab.
std::vector<std::string> link_host_ids(const JsonRef &link);

// Checks a link that concerns the loaded lab and returns it.
std::optional<LabLink> read_link(const JsonRef &link, Diagnostics &errors);

}  // namespace otto::lab
