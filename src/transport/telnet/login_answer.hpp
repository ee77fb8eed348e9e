// What a telnet server's answer to the login means (SESSION-PROTOCOL §11.4):
// refused, a shell, or not known yet. Pure logic over the text received
// since the last credential went out, so that otto types nothing more into
// the connection until it knows a shell reads it (a refused login would
// take the shell setup for the next login name).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otto {

enum class LoginVerdict { Unknown, Refused, LoggedIn };

struct LoginAnswer {
    LoginVerdict verdict = LoginVerdict::Unknown;
    std::string excerpt;  // for a refusal: what the server said, short and printable
};

// Judges `said`, all the server sent after the last credential, `typed`
// (an echo of it at the start is skipped). `answered_prompts` are the
// prompt lines otto answered during this login ("vm login:", "Password:",
// as last_line_of gives them): shown again, the login was refused. `quiet`
// means nothing more has arrived for a while: a prompt then waits for
// input, while a line cut at a read boundary would have continued.
//   refused: a line saying so ("Login incorrect", "Access denied"...), a
//     prompt otto answered shown again, or, once quiet, a last line ending
//     in "login:", "username:" or "password:";
//   logged in: a last line ending like a shell prompt ('$', '#', '>', '%'),
//     or, once quiet, any other text;
//   unknown: nothing but line ends so far (a login program says nothing
//     while it makes a refused login wait), or text still coming.
LoginAnswer judge_login_answer(std::string_view said, std::string_view typed,
                               const std::vector<std::string> &answered_prompts, bool quiet);

// A refusal anywhere in `text` (a line saying so, or a login prompt at its
// end), as a short printable excerpt of what the server said.
std::optional<std::string> find_login_refusal(std::string_view text);

// The last line of `text` with CSI sequences, CRs and surrounding blanks
// removed: how a prompt reads.
std::string last_line_of(std::string_view text);

}  // namespace otto
