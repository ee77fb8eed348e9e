// Lab selections: "a", "a+b", "a + b" (LAB-FORMAT §11.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otto::lab {

// The parts of `selection`, split on '+' and trimmed, or nothing when a part
// is empty ("", "a+", "a++b"). A comma is an ordinary character.
std::optional<std::vector<std::string>> parse_selection(std::string_view selection);

// The message for a selection parse_selection refused.
std::string bad_selection_message(std::string_view selection);

}  // namespace otto::lab
