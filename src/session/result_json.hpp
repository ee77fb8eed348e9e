// JSON renderings of results (cJSON), for logs, CLIs and bindings.
#pragma once

#include <string>

#include "session/result.hpp"

namespace otto {

std::string to_json(const CommandResult &result);
std::string to_json(const RunResult &result);

}  // namespace otto
