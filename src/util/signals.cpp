#include "util/signals.hpp"

#include <signal.h>
#include <string.h>

namespace otto {

std::string signal_name(int number) {
    const char *abbrev = sigabbrev_np(number);
    return abbrev != nullptr ? abbrev : std::to_string(number);
}

int signal_number(const std::string &name) {
    for (int number = 1; number < NSIG; ++number) {
        const char *abbrev = sigabbrev_np(number);
        if (abbrev != nullptr && name == abbrev) return number;
    }
    return 0;
}

}  // namespace otto
