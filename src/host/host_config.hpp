// Everything a host needs to know about itself, fixed at creation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "otto.h"
#include "session/shell.hpp"

namespace otto {

struct HostConfig {
    std::string id = "local";
    int32_t kind = OTTO_HOST_LOCAL;
    bool keep_history = false;
    int32_t frame = OTTO_FRAME_BASH;
    int32_t log_mode = OTTO_LOG_MODE_NORMAL;
    ShellTimings timings;
    double command_timeout = 30.0;
    double handshake_retry_delay = 2.0;
    double close_exit_wait = 1.0;
    double close_term_wait = 5.0;

    // The shell: empty means the kind's default (local: bash --norc
    // --noprofile; SSH: the user's login shell). On SSH a given shell runs
    // as the channel's command.
    std::vector<std::string> shell_argv;
    // Local and SSH hosts: the shell on a PTY, or on pipes.
    bool pty = true;

    // Remote hosts (SSH, telnet)
    std::string address;
    std::string user;
    int port = 0;  // 0: the kind's default
    std::string password;
    double connect_timeout = 10.0;

    // SSH
    struct Ssh {
        std::vector<std::string> identities;
        std::optional<bool> use_agent;  // unset: only without identities
        std::string known_hosts;        // empty: ~/.ssh/known_hosts
        int host_key_policy = OTTO_HOST_KEY_ACCEPT_NEW;
        double keepalive_interval = 15.0;
        int keepalive_count = 3;
        int channel_budget = 10;
        std::map<int, std::string> algorithms;
        double kex_timeout = 10.0;
        double auth_timeout = 10.0;
        double channel_timeout = 10.0;
    } ssh;

    // Telnet
    struct Telnet {
        bool login = true;
        std::string login_prompt = ":\\s*$";
        std::string password_prompt = ":\\s*$";
        double login_timeout = 10.0;
        double echo_negotiation_timeout = 3.0;
        int columns = 400;
        int rows = 24;
        int write_chunk = 0;
        double write_chunk_delay = 0.0;
    } telnet;
};

}  // namespace otto
