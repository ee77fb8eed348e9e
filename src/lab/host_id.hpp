// Host ids and generated display names (LAB-FORMAT §8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otto::lab {

// Lower-cases ASCII letters, turns each maximal run of characters outside
// [a-z0-9] into one '-', and strips '-' at both ends (§8.1). Non-ASCII bytes
// count as "outside", so "Café" gives "caf". May return an empty string: the
// caller decides whether that is an error.
std::string slug(std::string_view text);

// The parts of a host entry that make up its id.
struct IdParts {
    std::string element;
    std::optional<int64_t> element_id;
    std::optional<std::string> board;
    std::optional<int64_t> slot;
};

// slug(element) + element_id + ("_" + slug(board) + slot when a board is set)
// (§8.2). Empty when element or board slugs to nothing.
std::string host_id(const IdParts &parts);

// The message for a text that slugs to nothing (§8.2), without file or path.
std::string empty_slug_message(std::string_view text);

// What §8.5 needs of a host to name it.
struct NamingInput {
    IdParts parts;
    std::string id;
};

// Generated display names, one per input, in input order (§8.5): the element
// as written; then, when the element's slug is shared by several hosts of the
// lab, the host's 1-based rank among them (by element_id, absent last, then
// id); then the board and, with a board, the slot; joined by spaces.
std::vector<std::string> generated_names(const std::vector<NamingInput> &hosts);

}  // namespace otto::lab
