#include "lab/iso_time.hpp"

namespace otto::lab {

namespace {

// Reads exactly `count` digits at `pos`.
std::optional<int> digits(std::string_view text, size_t &pos, size_t count) {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

bool expect(std::string_view text, size_t &pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<UtcTime> parse_iso_time(std::string_view text) {
    using namespace std::chrono;
    size_t pos = 0;
    auto y = digits(text, pos, 4);
    if (!y || !expect(text, pos, '-')) return std::nullopt;
    auto mo = digits(text, pos, 2);
    if (!mo || !expect(text, pos, '-')) return std::nullopt;
    auto d = digits(text, pos, 2);
    if (!d) return std::nullopt;
    year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    UtcTime t = sys_days{date};
    if (pos == text.size()) return t;  // a date alone: midnight UTC

    if (!expect(text, pos, 'T')) return std::nullopt;
    auto h = digits(text, pos, 2);
    if (!h || *h > 23 || !expect(text, pos, ':')) return std::nullopt;
    auto mi = digits(text, pos, 2);
    if (!mi || *mi > 59) return std::nullopt;
    t += hours{*h} + minutes{*mi};
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        auto s = digits(text, pos, 2);
        if (!s || *s > 59) return std::nullopt;
        t += seconds{*s};
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            size_t start = pos;
            int64_t micros = 0;
            int64_t scale = 100000;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                micros += (text[pos] - '0') * scale;
                scale /= 10;
                ++pos;
            }
            if (pos == start) return std::nullopt;
            t += microseconds{micros};
        }
    }
    if (pos == text.size()) return t;  // no offset: UTC
    if (text[pos] == 'Z') return pos + 1 == text.size() ? std::optional<UtcTime>(t) : std::nullopt;
    if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
    bool east = text[pos] == '+';
    ++pos;
    auto oh = digits(text, pos, 2);
    if (!oh || *oh > 23 || !expect(text, pos, ':')) return std::nullopt;
    auto om = digits(text, pos, 2);
    if (!om || *om > 59 || pos != text.size()) return std::nullopt;
    // Local time = UTC + offset, so UTC = local - offset.
    minutes offset = hours{*oh} + minutes{*om};
    return east ? t - offset : t + offset;
}

}  // namespace otto::lab
