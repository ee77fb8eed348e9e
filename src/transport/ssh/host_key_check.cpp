#include "transport/ssh/host_key_check.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <set>

#include "loop/pool_work.hpp"
#include "otto.h"

namespace otto {

namespace {

// How often a host waiting for another writer's lock on known_hosts tries
// again; its handshake deadline bounds the whole wait.
constexpr double kLockRetrySeconds = 0.05;

// The system-wide file OpenSSH and libssh also read; never written.
constexpr const char *kGlobalKnownHosts = "/etc/ssh/ssh_known_hosts";

std::string home_dir() {
    if (const char *home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (struct passwd *pw = getpwuid(getuid())) return pw->pw_dir;
    return "/";
}

struct ServerKey {
    PublicKeyText text;
    std::string description;  // "ssh-ed25519 SHA256:..."
};

ServerKey read_server_key(ssh_session session) {
    ServerKey out;
    out.description = "an unreadable key";
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK) return out;
    std::unique_ptr<ssh_key_struct, decltype(&ssh_key_free)> owned(key, &ssh_key_free);
    out.text.type = ssh_key_type_to_char(ssh_key_type(key));
    char *base64 = nullptr;
    if (ssh_pki_export_pubkey_base64(key, &base64) == SSH_OK) {
        out.text.base64 = base64;
        ssh_string_free_char(base64);
    }
    out.description = out.text.type;
    unsigned char *hash = nullptr;
    size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0) {
        if (char *fingerprint = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length)) {
            out.description += " " + std::string(fingerprint);
            ssh_string_free_char(fingerprint);
        }
        ssh_clean_pubkey_hash(&hash);
    }
    return out;
}

}  // namespace

std::string known_hosts_path(const HostConfig &config) {
    if (config.ssh.known_hosts.empty()) return home_dir() + "/.ssh/known_hosts";
    const std::string &p = config.ssh.known_hosts;
    return p.rfind("~/", 0) == 0 ? home_dir() + p.substr(1) : p;
}

HostKeyCheck::HostKeyCheck(uv_loop_t *loop, std::string where, Done done)
    : where_(std::move(where)), done_(std::move(done)), retry_(loop), loop_(loop) {}

std::shared_ptr<HostKeyCheck> HostKeyCheck::start(uv_loop_t *loop, ssh_session session, const HostConfig &config,
                                                  std::string where, const Warn &warn, Done done) {
    auto check = std::make_shared<HostKeyCheck>(loop, std::move(where), std::move(done));
    if (config.ssh.host_key_policy == OTTO_HOST_KEY_OFF) {
        static std::mutex warned_mutex;
        static std::set<std::string> warned;
        {
            std::lock_guard lock(warned_mutex);
            if (warned.insert(check->where_).second)
                warn("host key checking is off for " + check->where_ + ": the server is not verified");
        }
        check->finish(Error());
        return check;
    }
    check->strict_ = config.ssh.host_key_policy == OTTO_HOST_KEY_STRICT;
    check->files_ = {known_hosts_path(config), kGlobalKnownHosts};
    check->name_ = known_hosts_name(config.address, config.port);
    ServerKey key = read_server_key(session);
    check->key_ = std::move(key.text);
    check->key_description_ = std::move(key.description);
    check->look_up();
    return check;
}

std::string HostKeyCheck::waiting_for() const {
    if (lock_busy_) return "recording the host key: " + files_.front() + " stayed locked by another writer";
    return "checking the host key against " + files_.front();
}

void HostKeyCheck::look_up() {
    auto verdict = std::make_shared<KnownHostsVerdict>();
    std::weak_ptr<HostKeyCheck> weak = weak_from_this();
    queue_pool_work(
        loop_, [verdict, files = files_, name = name_, key = key_] { *verdict = look_up_host_key(files, name, key); },
        [weak, verdict] {
            if (auto self = weak.lock()) self->on_verdict(*verdict);
        });
}

void HostKeyCheck::on_verdict(const KnownHostsVerdict &verdict) {
    switch (verdict.kind) {
        case KnownHostsVerdict::Kind::Known: finish(Error()); return;
        case KnownHostsVerdict::Kind::Unknown:
            if (strict_) {
                finish(Error(OTTO_EHOSTKEY, where_ + ": the host key " + key_description_ + " is not in " +
                                                files_.front() + " and the host key policy is strict"));
                return;
            }
            record();
            return;
        default: finish(refusal(verdict)); return;
    }
}

void HostKeyCheck::record() {
    auto outcome = std::make_shared<RecordOutcome>();
    std::weak_ptr<HostKeyCheck> weak = weak_from_this();
    queue_pool_work(
        loop_, [outcome, files = files_, name = name_, key = key_] { *outcome = record_host_key(files, name, key); },
        [weak, outcome] {
            auto self = weak.lock();
            if (!self) return;
            switch (outcome->kind) {
                case RecordOutcome::Kind::Recorded: self->finish(Error()); return;
                case RecordOutcome::Kind::Busy:
                    self->lock_busy_ = true;
                    self->retry_.start(kLockRetrySeconds, [self = self.get()] { self->record(); });
                    return;
                case RecordOutcome::Kind::Refused: self->finish(self->refusal(outcome->verdict)); return;
                case RecordOutcome::Kind::Failed:
                    self->finish(Error(OTTO_EHOSTKEY, self->where_ + ": cannot record the host key in " +
                                                          self->files_.front() + ": " + outcome->detail));
                    return;
            }
        });
}

Error HostKeyCheck::refusal(const KnownHostsVerdict &verdict) const {
    switch (verdict.kind) {
        case KnownHostsVerdict::Kind::Changed:
            return Error(OTTO_EHOSTKEY, where_ + ": the host key has changed: the server offered " + key_description_ +
                                            ", which does not match the " + verdict.detail + " key " +
                                            verdict.location() + " lists for " + name_ +
                                            "; refusing to connect (if the change is expected, remove the old "
                                            "entry with: ssh-keygen -R '" +
                                            name_ + "' -f " + verdict.file + ")");
        case KnownHostsVerdict::Kind::Revoked:
            return Error(OTTO_EHOSTKEY, where_ + ": the host key " + key_description_ + " is marked @revoked in " +
                                            verdict.location() + "; refusing to connect");
        case KnownHostsVerdict::Kind::Unreadable:
            return Error(OTTO_EHOSTKEY, where_ + ": cannot check the host key: " +
                                            (verdict.line > 0 ? verdict.location() + " cannot be parsed (" +
                                                                    verdict.detail + "); fix or remove that line"
                                                              : "cannot read " + verdict.file + ": " + verdict.detail) +
                                            "; refusing to connect");
        default: return Error(OTTO_EINTERNAL, where_ + ": unexpected host key verdict");
    }
}

void HostKeyCheck::finish(Error error) {
    retry_.stop();
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(error));
}

}  // namespace otto
