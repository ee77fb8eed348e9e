// Host addresses of lab files: IP literals, DNS names and subnets (LAB-FORMAT
// §6 `ip`, §6.2 `interfaces`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otto::lab {

bool is_ip_literal(std::string_view text);

// Why `text` is not usable as a host's `ip`, or nothing when it is: an IP
// literal (IPv6 without brackets) or a DNS name.
std::optional<std::string> address_problem(std::string_view text);

// Why `subnet` is not a CIDR subnet (address/prefix) containing `ip`, or
// nothing when it is.
std::optional<std::string> subnet_problem(std::string_view subnet, std::string_view ip);

}  // namespace otto::lab
