// The date-times of the reservations file (LAB-FORMAT §14.2).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace otto::lab {

using UtcTime = std::chrono::sys_time<std::chrono::microseconds>;

// YYYY-MM-DDTHH:MM[:SS[.fraction]] with Z or ±HH:MM (none: UTC), or a date
// alone (00:00 UTC). Digits past microseconds are dropped. Nothing for any
// other text or an impossible date or time.
std::optional<UtcTime> parse_iso_time(std::string_view text);

}  // namespace otto::lab
