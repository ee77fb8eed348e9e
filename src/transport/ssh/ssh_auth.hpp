// SSH client authentication, one non-blocking step at a time: the identity
// files, then ssh-agent, then the password, then keyboard-interactive
// answered with the password. Remembers what it tried for the error message.
#pragma once

#include <libssh/libssh.h>

#include <optional>
#include <string>
#include <vector>

#include "host/host_config.hpp"
#include "util/error.hpp"

namespace otto {

class SshAuthenticator {
public:
    SshAuthenticator(ssh_session session, const HostConfig &config, std::string where);
    ~SshAuthenticator();
    SshAuthenticator(const SshAuthenticator &) = delete;
    SshAuthenticator &operator=(const SshAuthenticator &) = delete;

    // Advances; nullopt while waiting for the server, then success (an empty
    // Error) or the auth error naming host, user and the methods tried.
    std::optional<Error> step();
    // The method that succeeded, for the log.
    const std::string &method() const { return method_; }

private:
    enum class Stage { None, Key, Agent, Password, Keyboard, Done };
    void next_stage();
    bool load_next_key();
    Error failure() const;

    ssh_session session_;
    HostConfig config_;
    std::string where_;
    Stage stage_ = Stage::None;
    int server_methods_ = 0;
    std::vector<std::string> keys_;
    size_t next_key_ = 0;
    ssh_key key_ = nullptr;
    std::string key_path_;
    bool use_agent_ = false;
    int keyboard_rounds_ = 0;
    std::vector<std::string> tried_;
    std::vector<std::string> problems_;
    std::string method_;
};

}  // namespace otto
