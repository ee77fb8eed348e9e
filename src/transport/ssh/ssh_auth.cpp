#include "transport/ssh/ssh_auth.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "otto.h"

namespace otto {

namespace {

std::string home_dir() {
    if (const char *home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (struct passwd *pw = getpwuid(getuid())) return pw->pw_dir;
    return "/";
}

std::string expand_home(const std::string &path) {
    if (path.rfind("~/", 0) == 0) return home_dir() + path.substr(1);
    return path;
}

std::string methods_text(int methods) {
    std::string text;
    auto add = [&](int bit, const char *name) {
        if (methods & bit) text += (text.empty() ? "" : ",") + std::string(name);
    };
    add(SSH_AUTH_METHOD_PUBLICKEY, "publickey");
    add(SSH_AUTH_METHOD_PASSWORD, "password");
    add(SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive");
    add(SSH_AUTH_METHOD_HOSTBASED, "hostbased");
    add(SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic");
    return text.empty() ? "none" : text;
}

}  // namespace

SshAuthenticator::SshAuthenticator(ssh_session session, const HostConfig &config, std::string where)
    : session_(session), config_(config), where_(std::move(where)) {
    if (config_.ssh.identities.empty()) {
        for (const char *name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
            std::string path = home_dir() + "/.ssh/" + name;
            if (std::filesystem::exists(path)) keys_.push_back(path);
        }
    } else {
        for (const auto &path : config_.ssh.identities) keys_.push_back(expand_home(path));
    }
    use_agent_ = config_.ssh.use_agent.value_or(config_.ssh.identities.empty());
    const char *agent = std::getenv("SSH_AUTH_SOCK");
    if (agent == nullptr || *agent == '\0') use_agent_ = false;
}

SshAuthenticator::~SshAuthenticator() {
    if (key_ != nullptr) ssh_key_free(key_);
}

bool SshAuthenticator::load_next_key() {
    while (next_key_ < keys_.size()) {
        key_path_ = keys_[next_key_++];
        if (key_ != nullptr) ssh_key_free(key_);
        key_ = nullptr;
        int rc = ssh_pki_import_privkey_file(key_path_.c_str(), nullptr, nullptr, nullptr, &key_);
        if (rc == SSH_OK) return true;
        // A key named explicitly must be usable; it is a problem to report
        // even if a later method succeeds (and the error if none does).
        problems_.push_back(
            "cannot load " + key_path_ +
            (std::filesystem::exists(key_path_) ? " (unreadable, or encrypted: use ssh-agent)" : " (no such file)"));
    }
    return false;
}

void SshAuthenticator::next_stage() {
    // The stages in their documented order, skipping what this host has no
    // means for or the server does not accept.
    const bool publickey = server_methods_ & SSH_AUTH_METHOD_PUBLICKEY;
    const bool password = !config_.password.empty();
    if (stage_ <= Stage::Key && publickey && load_next_key()) {
        stage_ = Stage::Key;
        return;
    }
    if (stage_ <= Stage::Key) {
        stage_ = Stage::Agent;
        if (use_agent_ && publickey) {
            tried_.push_back("ssh-agent");
            return;
        }
    }
    if (stage_ <= Stage::Agent) {
        stage_ = Stage::Password;
        if (password && (server_methods_ & SSH_AUTH_METHOD_PASSWORD)) {
            tried_.push_back("password");
            return;
        }
    }
    if (stage_ <= Stage::Password) {
        stage_ = Stage::Keyboard;
        if (password && (server_methods_ & SSH_AUTH_METHOD_INTERACTIVE)) {
            tried_.push_back("keyboard-interactive");
            return;
        }
    }
    stage_ = Stage::Done;
}

std::optional<Error> SshAuthenticator::step() {
    while (true) {
        int rc = SSH_AUTH_ERROR;
        switch (stage_) {
            case Stage::None:
                // With a key to offer, offer it at once rather than ask
                // with "none" which methods the server takes: that costs a
                // round trip, and OpenSSH answers every failed attempt
                // after a deliberate delay (against user enumeration; ~8 ms
                // here). A refused key brings the server's methods anyway.
                if (next_key_ == 0 && load_next_key()) {
                    stage_ = Stage::Key;
                    continue;
                }
                rc = ssh_userauth_none(session_, nullptr);
                if (rc == SSH_AUTH_AGAIN) return std::nullopt;
                if (rc == SSH_AUTH_SUCCESS) {
                    method_ = "none";
                    return Error();
                }
                if (rc == SSH_AUTH_ERROR)
                    return Error(OTTO_EAUTH, where_ + ": authentication failed: " + ssh_get_error(session_));
                server_methods_ = ssh_userauth_list(session_, nullptr);
                next_stage();
                continue;
            case Stage::Key:
                rc = ssh_userauth_publickey(session_, nullptr, key_);
                if (rc == SSH_AUTH_AGAIN) return std::nullopt;
                if (rc == SSH_AUTH_SUCCESS) {
                    method_ = "publickey " + key_path_;
                    return Error();
                }
                tried_.push_back("publickey " + key_path_);
                if (rc != SSH_AUTH_ERROR) server_methods_ = ssh_userauth_list(session_, nullptr);
                break;
            case Stage::Agent:
                rc = ssh_userauth_agent(session_, nullptr);
                if (rc == SSH_AUTH_AGAIN) return std::nullopt;
                if (rc == SSH_AUTH_SUCCESS) {
                    method_ = "ssh-agent";
                    return Error();
                }
                break;
            case Stage::Password:
                rc = ssh_userauth_password(session_, nullptr, config_.password.c_str());
                if (rc == SSH_AUTH_AGAIN) return std::nullopt;
                if (rc == SSH_AUTH_SUCCESS) {
                    method_ = "password";
                    return Error();
                }
                break;
            case Stage::Keyboard:
                rc = ssh_userauth_kbdint(session_, nullptr, nullptr);
                if (rc == SSH_AUTH_AGAIN) return std::nullopt;
                if (rc == SSH_AUTH_INFO && ++keyboard_rounds_ <= 4) {
                    // Answer every prompt with the password (the common
                    // "Password:" challenge); bounded against endless rounds.
                    int prompts = ssh_userauth_kbdint_getnprompts(session_);
                    for (int i = 0; i < prompts; ++i)
                        ssh_userauth_kbdint_setanswer(session_, static_cast<unsigned>(i), config_.password.c_str());
                    continue;
                }
                if (rc == SSH_AUTH_SUCCESS) {
                    method_ = "keyboard-interactive";
                    return Error();
                }
                break;
            case Stage::Done: return failure();
        }
        if (rc == SSH_AUTH_ERROR && ssh_get_status(session_) & (SSH_CLOSED | SSH_CLOSED_ERROR))
            return Error(OTTO_ECONNECT, where_ + ": connection lost during authentication: " + ssh_get_error(session_));
        if (stage_ == Stage::Key && server_methods_ == 0) {
            // The key offered first failed on our side (libssh refusing its
            // signature type, say), so the server never named its methods:
            // ask with "none" as if no key had gone first.
            stage_ = Stage::None;
            continue;
        }
        next_stage();
    }
}

Error SshAuthenticator::failure() const {
    std::string tried;
    for (const auto &t : tried_) tried += (tried.empty() ? "" : ", ") + t;
    if (tried.empty()) tried = "nothing (no key, agent or password to offer)";
    std::string text = where_ + ": authentication failed for user \"" + config_.user + "\"; tried " + tried +
                       "; the server accepts " + methods_text(server_methods_);
    for (const auto &p : problems_) text += "; " + p;
    return Error(OTTO_EAUTH, text);
}

}  // namespace otto
