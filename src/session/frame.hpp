// What otto types into a shell (SESSION-PROTOCOL §3, §4, §7, §10): the
// READY probe, the command frame, the RECOVER probe, and the checks that
// refuse a command before anything is written.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "session/markers.hpp"

namespace otto {

// The per-line limit of a shell, and where it comes from (for messages).
struct LineLimit {
    size_t max_chars = 0;  // 0: no limit
    std::string origin;    // "a PTY", "BusyBox ash's line editor"
};

// The READY handshake line (§3.1), newline included.
std::string handshake_probe(const Token &token, bool keep_history);

// The frame of §4.1 with this command's markers, newline included.
std::string command_frame(const Token &token, const FrameMarkers &markers, std::string_view command);

// The RECOVER probe of §7.2 (`recover_kind` from draw_recover_kind()),
// newline included.
std::string recover_probe(const Token &token, std::string_view recover_kind);

// Why `command` must not be sent (§4.3, §10), or nullopt if it may.
std::optional<std::string> refusal_reason(std::string_view command, const Token &token, const LineLimit &limit);

}  // namespace otto
