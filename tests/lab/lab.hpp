// The test lab: real servers on loopback for otto's tests, demo and
// benchmarks. It starts OpenSSH sshd instances with generated keys and
// BusyBox telnetd instances, records their pids, and stops them by pid.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace otto_lab {

struct SshServer {
    int port = 0;
    pid_t pid = 0;
    std::string config;           // sshd_config path
    std::string log;              // sshd's log (-E)
    std::string host_key_public;  // "ssh-ed25519 AAAA..."
};

struct TelnetServer {
    int port = 0;
    pid_t pid = 0;
    bool login = true;  // /bin/login asks for a user and password; else a shell at once
    bool ash = false;   // the login-less shell is BusyBox ash (else /bin/sh)
};

struct User {
    std::string name;
    std::string key;       // private key file (ed25519, no passphrase)
    std::string password;  // empty: key only
};

struct Options {
    int ssh_servers = 1;
    // BusyBox telnetd instances: with /bin/login (the password user logs in,
    // root only) and without any login step (a root shell at once).
    int telnet_login_servers = 0;
    int telnet_shell_servers = 0;
    int telnet_ash_servers = 0;  // login-less, BusyBox ash (its 1022-byte line editor)
    int max_sessions = 10;       // sshd MaxSessions
    bool agent = false;          // start an ssh-agent holding the user's key
    std::string dir;             // empty: a fresh temporary directory
    std::string log_level = "ERROR";
    // Servers authenticate through PAM with keyboard-interactive only (no
    // plain "password" method): for testing keyboard-interactive logins.
    bool keyboard_interactive = false;
    // Servers die with the thread that started them (tests): a crashed test
    // process leaves nothing behind. Off for `otto-lab up`, whose servers
    // outlive it by design.
    bool die_with_parent = false;
    // sshd serves the SFTP subsystem (internal-sftp); off: a server without
    // SFTP, as some appliances are.
    bool sftp = true;
};

class Lab {
public:
    // Starts everything or throws std::runtime_error naming what failed.
    static std::unique_ptr<Lab> start(const Options &options);
    // Reads a lab written by write_json() (for `otto-lab down`).
    static std::unique_ptr<Lab> load(const std::string &json_path);
    ~Lab();

    const std::string &dir() const { return dir_; }
    const std::vector<SshServer> &ssh() const { return ssh_; }
    const std::vector<TelnetServer> &telnet() const { return telnet_; }
    // The invoking user, who logs in with the lab's key.
    const User &user() const { return user_; }
    // A dedicated password-only user with an empty home (only when root).
    const std::optional<User> &password_user() const { return password_user_; }
    // SSH_AUTH_SOCK of the lab's agent, if started.
    const std::string &agent_socket() const { return agent_socket_; }
    // A known_hosts file listing every server's key.
    std::string known_hosts() const;

    void write_json(const std::string &path) const;
    // An otto lab file (LAB-FORMAT.md) of these servers, all in lab
    // `lab_name`: ssh0, ssh1... (the user's key, strict host keys against
    // the lab's known_hosts), console0... (telnet with /bin/login as the
    // password user), shell0... (telnet, no login) and ash0... (no login,
    // BusyBox ash). Each host holds one resource, its own id.
    void write_otto_lab(const std::string &path, const std::string &lab_name) const;

    // Adds a public key file's key to the keys every server accepts.
    void authorize_key(const std::string &public_key_file);

    // Faults: signal one server's listener (SIGSTOP, SIGCONT, SIGKILL...).
    void signal_server(size_t index, int sig);
    // Signals the processes serving one telnet server's connections (its
    // children: login and the shells), leaving the listener alone.
    int signal_telnet_sessions(size_t index, int sig);
    // Signals the sshd processes serving the connections one server has
    // accepted (not the listener): freezes or kills established sessions.
    // Returns how many processes were signalled.
    int signal_connections(size_t index, int sig);
    // Starts a stopped or killed server again on the same port.
    void restart_server(size_t index);
    // Stops everything now (also done by the destructor).
    void stop();
    // Leaves the servers running and the directory in place when this
    // object goes (`otto-lab up`; `otto-lab down` stops them later).
    void detach();

private:
    Lab() = default;
    void start_ssh(size_t index);
    void start_telnet(size_t index);
    std::vector<std::string> server_command(std::vector<std::string> argv) const;
    void write_known_hosts() const;

    std::string dir_;
    bool owns_dir_ = false;
    Options options_;
    std::vector<SshServer> ssh_;
    std::vector<TelnetServer> telnet_;
    User user_;
    std::optional<User> password_user_;
    std::string agent_socket_;
    pid_t agent_pid_ = 0;
    bool stopped_ = false;
};

// A free TCP port on 127.0.0.1 (bind to port 0, read it back, release).
int free_port();

// The BusyBox binary that has telnetd (scripts/install-deps.sh unpacks it).
std::string telnetd_busybox();

}  // namespace otto_lab
