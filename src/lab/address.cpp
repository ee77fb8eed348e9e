#include "lab/address.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>

#include "lab/json_path.hpp"

namespace otto::lab {

namespace {

struct Binary {
    int family = 0;
    std::array<unsigned char, 16> bytes{};
    size_t size = 0;
};

std::optional<Binary> parse_ip(std::string_view text) {
    std::string s(text);
    // An IPv6 zone ("fe80::1%eth0") names a local interface, not an address.
    if (auto percent = s.find('%'); percent != std::string::npos) {
        if (s.find(':') == std::string::npos || percent + 1 == s.size()) return std::nullopt;
        s.resize(percent);
    }
    Binary b;
    if (inet_pton(AF_INET, s.c_str(), b.bytes.data()) == 1) {
        b.family = AF_INET;
        b.size = 4;
        return b;
    }
    if (inet_pton(AF_INET6, s.c_str(), b.bytes.data()) == 1) {
        b.family = AF_INET6;
        b.size = 16;
        return b;
    }
    return std::nullopt;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool is_dns_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool is_dns_name(std::string_view text) {
    if (text.empty() || text.size() > 253) return false;
    if (text.back() == '.') text.remove_suffix(1);
    size_t start = 0;
    while (start <= text.size()) {
        size_t dot = text.find('.', start);
        if (dot == std::string_view::npos) dot = text.size();
        std::string_view label = text.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            if (!is_dns_label_char(c)) return false;
        }
        // A last label of digits only is a mistyped IPv4 address ("10.0.0.256").
        if (dot == text.size() && all_digits(label)) return false;
        start = dot + 1;
    }
    return true;
}

}  // namespace

bool is_ip_literal(std::string_view text) { return parse_ip(text).has_value(); }

std::optional<std::string> address_problem(std::string_view text) {
    if (text.empty()) return "expected an IP address or DNS name, got \"\"";
    if (is_ip_literal(text)) return std::nullopt;
    const std::string port_hint = "; set the port with ssh_options.port or telnet_options.port";
    if (text.front() == '[') {
        auto close = text.find(']');
        std::string inner(text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
        std::string message = json_quote(text) + ": write an IPv6 address without brackets";
        if (close != std::string_view::npos && close + 1 < text.size()) message += port_hint;
        return message;
    }
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon && all_digits(text.substr(colon + 1)))
        return json_quote(text) + " includes a port" + port_hint;
    if (is_dns_name(text)) return std::nullopt;
    return "expected an IP address or DNS name, got " + json_quote(text);
}

std::optional<std::string> subnet_problem(std::string_view subnet, std::string_view ip) {
    auto slash = subnet.find('/');
    if (slash == std::string_view::npos)
        return "expected a subnet in CIDR form (address/prefix), got " + json_quote(subnet);
    auto network = parse_ip(subnet.substr(0, slash));
    std::string_view bits_text = subnet.substr(slash + 1);
    unsigned bits = 0;
    auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    if (!network || ec != std::errc() || end != bits_text.data() + bits_text.size() || !all_digits(bits_text) ||
        bits > network->size * 8)
        return "expected a subnet in CIDR form (address/prefix), got " + json_quote(subnet);
    auto address = parse_ip(ip);
    if (!address) return std::nullopt;  // the ip itself is reported on its own
    if (address->family != network->family)
        return "subnet " + json_quote(subnet) + " does not contain " + json_quote(ip);
    for (unsigned bit = 0; bit < bits; ++bit) {
        auto mask = static_cast<unsigned char>(0x80u >> (bit % 8));
        if ((address->bytes[bit / 8] & mask) != (network->bytes[bit / 8] & mask))
            return "subnet " + json_quote(subnet) + " does not contain " + json_quote(ip);
    }
    return std::nullopt;
}

}  // namespace otto::lab
