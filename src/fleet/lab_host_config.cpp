#include "fleet/lab_host_config.hpp"

#include <string>
#include <string_view>

#include "otto.h"

namespace otto::fleet {

namespace {

std::string join(const std::vector<std::string> &items) {
    std::string out;
    for (const auto &item : items) {
        if (!out.empty()) out += ',';
        out += item;
    }
    return out;
}

// The lab's login_prompt is text to find, as the original waited for it;
// the transport takes a regex.
std::string literal_pattern(const std::string &text) {
    std::string out;
    for (char c : text) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

int host_key_policy(lab::HostKeyPolicy policy) {
    switch (policy) {
        case lab::HostKeyPolicy::strict: return OTTO_HOST_KEY_STRICT;
        case lab::HostKeyPolicy::off: return OTTO_HOST_KEY_OFF;
        case lab::HostKeyPolicy::accept_new: break;
    }
    return OTTO_HOST_KEY_ACCEPT_NEW;
}

int log_mode(lab::LogMode mode) {
    switch (mode) {
        case lab::LogMode::quiet: return OTTO_LOG_MODE_QUIET;
        case lab::LogMode::never: return OTTO_LOG_MODE_NEVER;
        case lab::LogMode::normal: break;
    }
    return OTTO_LOG_MODE_NORMAL;
}

void apply_ssh(const lab::SshOptions &ssh, HostConfig &config) {
    config.kind = OTTO_HOST_SSH;
    config.port = ssh.port;
    config.connect_timeout = ssh.effective_connect_timeout();
    // Unknown hosts are appended to the first file (15.1).
    if (ssh.known_hosts && !ssh.known_hosts->empty()) config.ssh.known_hosts = ssh.known_hosts->front();
    config.ssh.host_key_policy = host_key_policy(ssh.host_key_policy);
    if (ssh.client_keys) {
        config.ssh.identities = *ssh.client_keys;
        config.ssh.use_agent = false;  // the keys the file names, and only those
    }
    if (ssh.keepalive_interval) config.ssh.keepalive_interval = *ssh.keepalive_interval;
    if (ssh.keepalive_count_max) config.ssh.keepalive_count = static_cast<int>(*ssh.keepalive_count_max);
    if (ssh.encryption_algs) config.ssh.algorithms[OTTO_SSH_CIPHERS] = join(*ssh.encryption_algs);
    if (ssh.server_host_key_algs) config.ssh.algorithms[OTTO_SSH_HOST_KEYS] = join(*ssh.server_host_key_algs);
}

void apply_telnet(const lab::TelnetOptions &telnet, HostConfig &config) {
    config.kind = OTTO_HOST_TELNET;
    config.port = telnet.port;
    config.connect_timeout = telnet.effective_connect_timeout();
    config.telnet.login = telnet.login;
    config.telnet.login_prompt = literal_pattern(telnet.login_prompt);
    config.telnet.login_timeout = telnet.login_timeout;
    config.telnet.echo_negotiation_timeout = telnet.echo_negotiation_timeout;
    config.telnet.columns = static_cast<int>(telnet.cols);
    config.telnet.rows = static_cast<int>(telnet.rows);
    config.telnet.write_chunk = static_cast<int>(telnet.write_chunk_size);
    config.telnet.write_chunk_delay = telnet.write_chunk_delay;
}

}  // namespace

LabHostConfig host_config_for(const lab::LabHost &host) {
    LabHostConfig out;
    HostConfig &config = out.config;
    config.id = host.id;
    config.keep_history = host.shell_history;
    config.frame = host.command_frame == lab::CommandFrame::ash ? OTTO_FRAME_ASH : OTTO_FRAME_BASH;
    config.log_mode = log_mode(host.log);
    if (host.builtin_local) {
        config.kind = OTTO_HOST_LOCAL;
        return out;
    }
    config.address = host.ip;
    if (const lab::Cred *cred = host.login_cred()) {
        config.user = cred->login;
        if (cred->password) config.password = *cred->password;  // never logged
        if (cred->proxy)
            out.unsupported = Error(OTTO_ENOTSUP, "host \"" + host.id + "\": its login goes through \"" + *cred->proxy +
                                                      "\", which otto does not support yet");
    }
    if (host.active_term() == lab::Term::ssh) apply_ssh(host.ssh, config);
    else apply_telnet(host.telnet, config);
    if (config.kind == OTTO_HOST_TELNET && config.telnet.login && config.user.empty())
        out.unsupported = Error(OTTO_EINVAL, "host \"" + host.id +
                                                 "\": its console asks for a login and the lab "
                                                 "gives it no creds");
    if (host.hop)
        out.unsupported = Error(OTTO_ENOTSUP, "host \"" + host.id + "\": it is reached through hop \"" + *host.hop +
                                                  "\", and otto does not support hops yet");
    return out;
}

}  // namespace otto::fleet
