// JSON renderings of results (cJSON), for logs, CLIs and bindings.
#pragma once

#include <string>

#include "session/result.hpp"

struct cJSON;

namespace otto {

std::string to_json(const CommandResult &result);
std::string to_json(const RunResult &result);
// The same as cJSON objects, to embed in larger documents; the caller owns
// them.
cJSON *to_json_object(const CommandResult &result);
cJSON *to_json_object(const RunResult &result);
// Prints `root` compactly and deletes it.
std::string take_json_text(cJSON *root);

}  // namespace otto
