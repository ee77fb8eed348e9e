// Signal names as results carry them: "TERM", "KILL" (no "SIG" prefix).
#pragma once

#include <string>

namespace otto {

// The abbreviation of signal `number`, or the number as text if unknown.
std::string signal_name(int number);

// The number of the signal called `name` ("TERM"), or 0 if none is.
int signal_number(const std::string &name);

}  // namespace otto
