#include "lab/transport_options.hpp"

#include <unistd.h>

#include <algorithm>

#include "lab/file_paths.hpp"
#include "lab/key_check.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

const KeyRules kSshKeys{{"port", "known_hosts", "host_key_policy", "connect_timeout", "keepalive_interval",
                         "keepalive_count_max", "client_keys", "agent_forwarding", "preferred_auth", "encryption_algs",
                         "server_host_key_algs", "compression_algs", "client_host_keys", "local_forwards",
                         "remote_forwards", "socks_forwards", "extra"}};

const KeyRules kTelnetKeys{{"port", "login", "login_prompt", "login_timeout", "connect_timeout",
                            "echo_negotiation_timeout", "cols", "rows", "encoding", "write_chunk_size",
                            "write_chunk_delay", "single_client_console", "auto_window_resize", "extra"}};

const std::vector<std::string_view> kAuthMethods = {"publickey", "password", "keyboard-interactive"};

// `extra` was handed to the Python SSH/telnet library; otto has no such
// pass-through, so its keys are kept only to say that they are ignored.
std::vector<std::string> read_extra(const JsonRef &value, Diagnostics &errors, Diagnostics &warnings) {
    std::vector<std::string> keys;
    if (!expect_object(value, errors)) return keys;
    std::string listed;
    for (const auto &member : value.children(KeyStyle::data)) {
        keys.emplace_back(member.key());
        if (!listed.empty()) listed += ", ";
        listed += json_quote(member.key());
    }
    if (!keys.empty()) value.report(warnings, "otto applies no pass-through options; ignored: " + listed);
    return keys;
}

std::optional<std::vector<std::string>> read_paths(const JsonRef &value, OneString one, std::string_view base_dir,
                                                   Diagnostics &errors) {
    auto paths = read_strings(value, errors, one, Null::allowed);
    if (!paths) return std::nullopt;
    for (auto &p : *paths) p = resolve_path(p, base_dir);
    return paths;
}

}  // namespace

SshOptions read_ssh_options(const JsonRef &value, std::string_view base_dir, Diagnostics &errors,
                            Diagnostics &warnings) {
    SshOptions ssh;
    if (!expect_object(value, errors)) return ssh;
    check_keys(value, kSshKeys, errors);
    for (const auto &m : value.children()) {
        std::string_view key = m.key();
        if (key == "port") {
            ssh.port = static_cast<int>(read_integer(m, errors, 1, 65535).value_or(ssh.port));
        } else if (key == "known_hosts") {
            ssh.known_hosts = read_paths(m, OneString::accepted, base_dir, errors);
        } else if (key == "host_key_policy") {
            auto policy = read_choice(m, errors, {"strict", "accept-new", "off"});
            if (policy == "strict") ssh.host_key_policy = HostKeyPolicy::strict;
            if (policy == "off") ssh.host_key_policy = HostKeyPolicy::off;
        } else if (key == "connect_timeout") {
            ssh.connect_timeout = read_number(m, errors, Bound::above, 0, Null::allowed);
        } else if (key == "keepalive_interval") {
            ssh.keepalive_interval = read_number(m, errors, Bound::above, 0, Null::allowed);
        } else if (key == "keepalive_count_max") {
            ssh.keepalive_count_max = read_integer(m, errors, 1, std::numeric_limits<int64_t>::max(), Null::allowed);
        } else if (key == "client_keys") {
            ssh.client_keys = read_paths(m, OneString::rejected, base_dir, errors);
            if (!ssh.client_keys) continue;
            auto elements = m.children();
            for (size_t i = 0; i < ssh.client_keys->size() && i < elements.size(); ++i) {
                const std::string &file = (*ssh.client_keys)[i];
                if (access(file.c_str(), R_OK) != 0)
                    elements[i].report(warnings, "identity file " + json_quote(file) + " is missing or unreadable");
            }
        } else if (key == "agent_forwarding") {
            ssh.agent_forwarding = read_bool(m, errors).value_or(false);
        } else if (key == "preferred_auth") {
            if (m.is_null()) continue;
            auto methods = read_strings(m, errors, OneString::accepted);
            if (!methods) continue;
            auto elements = m.children();
            bool ok = true;
            for (size_t i = 0; i < methods->size(); ++i) {
                if (std::find(kAuthMethods.begin(), kAuthMethods.end(), (*methods)[i]) != kAuthMethods.end()) continue;
                report_expected(m.is(JsonKind::array) ? elements[i] : m, errors, one_of(kAuthMethods));
                ok = false;
            }
            if (ok) ssh.preferred_auth = methods;
        } else if (key == "encryption_algs") {
            ssh.encryption_algs = read_strings(m, errors, OneString::rejected, Null::allowed);
        } else if (key == "server_host_key_algs") {
            ssh.server_host_key_algs = read_strings(m, errors, OneString::rejected, Null::allowed);
        } else if (key == "compression_algs") {
            ssh.compression_algs = read_strings(m, errors, OneString::rejected, Null::allowed);
        } else if (key == "client_host_keys" || key == "local_forwards" || key == "remote_forwards" ||
                   key == "socks_forwards") {
            if (m.is(JsonKind::array)) ssh.pass_through.emplace_back(key, m.compact());
            else report_expected(m, errors, "an array");
        } else if (key == "extra") {
            ssh.extra_keys = read_extra(m, errors, warnings);
        }
    }
    return ssh;
}

TelnetOptions read_telnet_options(const JsonRef &value, Diagnostics &errors, Diagnostics &warnings) {
    TelnetOptions telnet;
    if (!expect_object(value, errors)) return telnet;
    check_keys(value, kTelnetKeys, errors);
    for (const auto &m : value.children()) {
        std::string_view key = m.key();
        if (key == "port") {
            telnet.port = static_cast<int>(read_integer(m, errors, 1, 65535).value_or(telnet.port));
        } else if (key == "login") {
            telnet.login = read_bool(m, errors).value_or(telnet.login);
        } else if (key == "login_prompt") {
            telnet.login_prompt = read_non_empty_string(m, errors).value_or(telnet.login_prompt);
        } else if (key == "login_timeout") {
            telnet.login_timeout = read_number(m, errors, Bound::above, 0).value_or(telnet.login_timeout);
        } else if (key == "connect_timeout") {
            telnet.connect_timeout = read_number(m, errors, Bound::above, 0, Null::allowed);
        } else if (key == "echo_negotiation_timeout") {
            telnet.echo_negotiation_timeout =
                read_number(m, errors, Bound::at_least, 0).value_or(telnet.echo_negotiation_timeout);
        } else if (key == "cols") {
            telnet.cols = read_integer(m, errors, 1).value_or(telnet.cols);
        } else if (key == "rows") {
            telnet.rows = read_integer(m, errors, 1).value_or(telnet.rows);
        } else if (key == "encoding") {
            if (m.is(JsonKind::string)) telnet.encoding = std::string(m.string());
            else if (!(m.is(JsonKind::boolean) && !m.boolean())) report_expected(m, errors, "false or a string");
        } else if (key == "write_chunk_size") {
            telnet.write_chunk_size = read_integer(m, errors, 0).value_or(0);
        } else if (key == "write_chunk_delay") {
            telnet.write_chunk_delay = read_number(m, errors, Bound::at_least, 0).value_or(0.0);
        } else if (key == "single_client_console") {
            telnet.single_client_console = read_bool(m, errors).value_or(false);
        } else if (key == "auto_window_resize") {
            telnet.auto_window_resize = read_bool(m, errors).value_or(false);
        } else if (key == "extra") {
            telnet.extra_keys = read_extra(m, errors, warnings);
        }
    }
    return telnet;
}

}  // namespace otto::lab
