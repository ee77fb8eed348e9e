// How a command that failed to finish reports it: one line saying why,
// then whatever it printed before.
#pragma once

#include <string>

namespace otto {

// A failed command's output: the headline saying why (timed out, lost,
// refused), then what it printed, on lines of their own; either may be
// empty. Moves rather than copies: outputs may be megabytes.
inline std::string headline_then(std::string headline, std::string printed) {
    if (headline.empty()) return printed;
    if (!printed.empty()) {
        headline += '\n';
        headline += printed;
    }
    return headline;
}

}  // namespace otto
