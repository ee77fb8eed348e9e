#include "util/clock.hpp"

#include <cstdio>

namespace otto {

std::string format_seconds(double seconds) {
    if (std::isinf(seconds)) return "inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", seconds);
    return buf;
}

}  // namespace otto
