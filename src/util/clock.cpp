#include "util/clock.hpp"

#include <cstdio>

namespace otto {

std::string format_seconds(double seconds) {
    if (std::isinf(seconds)) return "inf";
    // Millisecond precision, trailing zeros dropped: a budget's remainder of
    // 0.2999987 s reads as the 0.3 s it stands for.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", seconds);
    std::string text(buf);
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

}  // namespace otto
