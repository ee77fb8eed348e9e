#include "transport/ssh/host_key_check.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>

#include "otto.h"

namespace otto {

namespace {

std::string home_dir() {
    if (const char *home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (struct passwd *pw = getpwuid(getuid())) return pw->pw_dir;
    return "/";
}

// "ssh-ed25519 SHA256:..." for the server's key.
std::string describe_server_key(ssh_session session) {
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK) return "an unreadable key";
    unsigned char *hash = nullptr;
    size_t length = 0;
    std::string text = ssh_key_type_to_char(ssh_key_type(key));
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0) {
        char *fingerprint = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
        if (fingerprint != nullptr) {
            text += " " + std::string(fingerprint);
            ssh_string_free_char(fingerprint);
        }
        ssh_clean_pubkey_hash(&hash);
    }
    ssh_key_free(key);
    return text;
}

// How the entry for this server is written in known_hosts.
std::string entry_name(const HostConfig &config) {
    int port = config.port > 0 ? config.port : 22;
    return port == 22 ? config.address : "[" + config.address + "]:" + std::to_string(port);
}

// Holds an exclusive lock on the known_hosts file (threads and processes).
class FileLock {
public:
    explicit FileLock(const std::string &path) {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ >= 0) {
            while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
            }
        }
    }
    ~FileLock() {
        if (fd_ >= 0) ::close(fd_);  // releases the lock
    }
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;
    bool locked() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// flock() serialises processes; threads of one process share this too.
std::mutex append_mutex;

}  // namespace

std::string known_hosts_path(const HostConfig &config) {
    if (config.ssh.known_hosts.empty()) return home_dir() + "/.ssh/known_hosts";
    const std::string &p = config.ssh.known_hosts;
    return p.rfind("~/", 0) == 0 ? home_dir() + p.substr(1) : p;
}

Error verify_host_key(ssh_session session, const HostConfig &config, const std::string &where,
                      const std::function<void(const std::string &)> &warn) {
    if (config.ssh.host_key_policy == OTTO_HOST_KEY_OFF) {
        static std::mutex warned_mutex;
        static std::set<std::string> warned;
        std::lock_guard lock(warned_mutex);
        if (warned.insert(where).second) warn("host key checking is off for " + where + ": the server is not verified");
        return Error();
    }
    const std::string file = known_hosts_path(config);
    const bool strict = config.ssh.host_key_policy == OTTO_HOST_KEY_STRICT;
    switch (ssh_session_is_known_server(session)) {
        case SSH_KNOWN_HOSTS_OK: return Error();
        case SSH_KNOWN_HOSTS_CHANGED:
        case SSH_KNOWN_HOSTS_OTHER:
            return Error(OTTO_EHOSTKEY, where + ": the host key has changed: the server offered " +
                                            describe_server_key(session) + ", which does not match what " + file +
                                            " lists for " + entry_name(config) +
                                            "; refusing to connect (if the change is expected, remove the old "
                                            "entry with: ssh-keygen -R '" +
                                            entry_name(config) + "' -f " + file + ")");
        case SSH_KNOWN_HOSTS_UNKNOWN:
        case SSH_KNOWN_HOSTS_NOT_FOUND:
            if (strict)
                return Error(OTTO_EHOSTKEY, where + ": the host key " + describe_server_key(session) + " is not in " +
                                                file + " and the host key policy is strict");
            break;
        case SSH_KNOWN_HOSTS_ERROR:
        default:
            return Error(OTTO_EHOSTKEY,
                         where + ": cannot check the host key against " + file + ": " + ssh_get_error(session));
    }
    // accept-new: record the key, under a lock, unless another writer has
    // meanwhile.
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ignored);
    std::lock_guard in_process(append_mutex);
    FileLock lock(file);
    if (!lock.locked()) return Error(OTTO_EHOSTKEY, where + ": cannot open " + file + " to record the host key");
    if (ssh_session_is_known_server(session) == SSH_KNOWN_HOSTS_OK) return Error();
    if (ssh_session_update_known_hosts(session) != SSH_OK)
        return Error(OTTO_EHOSTKEY, where + ": cannot record the host key in " + file + ": " + ssh_get_error(session));
    return Error();
}

}  // namespace otto
