#include "util/random_id.hpp"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace otto {

std::string random_hex(size_t digits) {
    std::vector<unsigned char> bytes((digits + 1) / 2);
    size_t filled = 0;
    while (filled < bytes.size()) {
        ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("getrandom failed");
        }
        filled += static_cast<size_t>(n);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digits);
    for (size_t i = 0; i < digits; ++i) {
        unsigned char b = bytes[i / 2];
        out.push_back(kHex[(i % 2 == 0) ? (b >> 4) : (b & 0x0f)]);
    }
    return out;
}

}  // namespace otto
