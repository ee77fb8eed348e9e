#include "util/random_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <vector>

namespace otto {

namespace {

void fill_random(unsigned char *data, size_t size) {
    size_t filled = 0;
    while (filled < size) {
        ssize_t n = getrandom(data + filled, size - filled, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("getrandom failed");
        }
        filled += static_cast<size_t>(n);
    }
}

std::string to_hex(const unsigned char *bytes, size_t digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digits);
    for (size_t i = 0; i < digits; ++i) {
        unsigned char b = bytes[i / 2];
        out.push_back(kHex[(i % 2 == 0) ? (b >> 4) : (b & 0x0f)]);
    }
    return out;
}

}  // namespace

std::string random_hex(size_t digits) {
    std::vector<unsigned char> bytes((digits + 1) / 2);
    fill_random(bytes.data(), bytes.size());
    return to_hex(bytes.data(), digits);
}

std::string pooled_random_hex(size_t digits) {
    struct Pool {
        std::array<unsigned char, 4096> bytes{};
        size_t used = bytes.size();  // empty until first use
    };
    thread_local Pool pool;
    const size_t need = (digits + 1) / 2;
    if (need > pool.bytes.size()) return random_hex(digits);
    if (pool.used + need > pool.bytes.size()) {
        fill_random(pool.bytes.data(), pool.bytes.size());
        pool.used = 0;
    }
    // Each byte is handed out once.
    std::string out = to_hex(pool.bytes.data() + pool.used, digits);
    pool.used += need;
    return out;
}

}  // namespace otto
