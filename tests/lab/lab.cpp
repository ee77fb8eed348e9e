#include "lab.hpp"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char **environ;

namespace otto_lab {

namespace fs = std::filesystem;

namespace {

constexpr const char *kSshd = "/usr/sbin/sshd";
constexpr const char *kPasswordUser = "ottotest";
constexpr const char *kPasswordUserHome = "/var/lib/otto-lab/home";
constexpr const char *kPassword = "otto-lab-password";

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string &path, const std::string &content, mode_t mode = 0644) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
    ::chmod(path.c_str(), mode);
}

pid_t spawn(const std::vector<std::string> &argv, const std::string &stdin_file = "/dev/null",
            const std::string &stdout_file = "/dev/null") {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdin_file.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Servers get default signal handling whatever the test process blocks.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char *> args;
    for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

// Runs a command to completion; its output goes to `log`.
void run(const std::vector<std::string> &argv, const std::string &log, const std::string &stdin_file = "/dev/null") {
    pid_t pid = spawn(argv, stdin_file, log);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string text;
        for (const auto &a : argv) text += a + " ";
        throw std::runtime_error("command failed: " + text + "(see " + log + ")\n" + read_file(log));
    }
}

bool alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;  // our child, just reaped
    if (::kill(pid, 0) != 0) return false;
    // A zombie (exited, not yet collected by its parent) is dead too.
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

// Whether a connection to `addr` is accepted (and closes it at once).
bool connects(const sockaddr *addr, socklen_t len) {
    int fd = ::socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok = ::connect(fd, addr, len) == 0;
    ::close(fd);
    return ok;
}

bool accepts(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connects(reinterpret_cast<sockaddr *>(&addr), sizeof addr);
}

// The same for a Unix socket: its file appears at bind(), before the
// listen() that lets a client in.
bool accepts(const std::string &socket_path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + socket_path);
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    return connects(reinterpret_cast<sockaddr *>(&addr), sizeof addr);
}

// Stops `pid` if its command line still names `marker` (a pid may have been
// reused): TERM, then KILL after 5 s. Never by name.
void stop_process(pid_t pid, const std::string &marker) {
    if (pid <= 0) return;
    std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    for (auto &c : cmdline)
        if (c == '\0') c = ' ';
    if (!marker.empty() && cmdline.find(marker) == std::string::npos) return;
    ::kill(pid, SIGCONT);  // a stopped server cannot exit
    ::kill(pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (alive(pid) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (alive(pid)) {
        ::kill(pid, SIGKILL);
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (alive(pid) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string user_name() {
    struct passwd *pw = getpwuid(getuid());
    if (pw == nullptr) throw std::runtime_error("the invoking user has no passwd entry");
    return pw->pw_name;
}

// Creates (once) the password-only test user, under a lock shared by every
// lab of this machine.
User ensure_password_user(const std::string &log) {
    int lock = ::open("/tmp/otto-lab-users.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lock < 0) throw std::runtime_error("cannot open the lab's user lock");
    flock(lock, LOCK_EX);
    try {
        fs::create_directories(fs::path(kPasswordUserHome).parent_path());
        if (getpwnam(kPasswordUser) == nullptr)
            run({"useradd", "--no-create-home", "--home-dir", kPasswordUserHome, "--shell", "/bin/bash", kPasswordUser},
                log);
        fs::create_directories(kPasswordUserHome);
        struct passwd *pw = getpwnam(kPasswordUser);
        if (pw == nullptr) throw std::runtime_error("useradd did not create " + std::string(kPasswordUser));
        if (::chown(kPasswordUserHome, pw->pw_uid, pw->pw_gid) != 0)
            throw std::runtime_error(std::string("cannot chown ") + kPasswordUserHome);
        std::string input = fs::path(log).parent_path() / "chpasswd.in";
        write_file(input, std::string(kPasswordUser) + ":" + kPassword + "\n", 0600);
        run({"chpasswd"}, log, input);
        fs::remove(input);
    } catch (...) {
        flock(lock, LOCK_UN);
        ::close(lock);
        throw;
    }
    flock(lock, LOCK_UN);
    ::close(lock);
    return User{kPasswordUser, "", kPassword};
}

std::string first_line(const std::string &text) { return text.substr(0, text.find('\n')); }

}  // namespace

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a free port");
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

namespace {

// Every process of the machine as (pid, parent pid), read from /proc.
std::vector<std::pair<pid_t, pid_t>> process_table() {
    std::vector<std::pair<pid_t, pid_t>> processes;
    for (const auto &entry : fs::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string stat = read_file(entry.path().string() + "/stat");
        size_t paren = stat.rfind(')');
        if (paren == std::string::npos) continue;
        std::istringstream rest(stat.substr(paren + 1));
        std::string state;
        long ppid = 0;
        rest >> state >> ppid;
        processes.emplace_back(static_cast<pid_t>(std::stol(name)), static_cast<pid_t>(ppid));
    }
    return processes;
}

}  // namespace

std::string telnetd_busybox() {
    std::string cache;
    if (const char *c = std::getenv("OTTO_LAB_CACHE"); c != nullptr && *c != '\0') {
        cache = c;
    } else if (getuid() == 0) {
        cache = "/var/cache/otto-lab";
    } else {
        const char *xdg = std::getenv("XDG_CACHE_HOME");
        const char *home = std::getenv("HOME");
        cache = (xdg != nullptr && *xdg != '\0' ? std::string(xdg) : std::string(home ? home : "/tmp") + "/.cache") +
                "/otto-lab";
    }
    std::string path = cache + "/busybox-static/bin/busybox";
    if (!fs::exists(path))
        throw std::runtime_error("BusyBox telnetd is missing (" + path + "): run scripts/install-deps.sh");
    return path;
}

std::unique_ptr<Lab> Lab::start(const Options &options) {
    std::unique_ptr<Lab> lab(new Lab());
    lab->options_ = options;
    if (options.dir.empty()) {
        std::string pattern = (fs::temp_directory_path() / "otto-lab-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create the lab directory");
        lab->dir_ = pattern;
        lab->owns_dir_ = true;
    } else {
        lab->dir_ = fs::absolute(options.dir).string();
        fs::create_directories(lab->dir_);
    }
    // sshd refuses keys and configs under group- or world-writable paths.
    ::chmod(lab->dir_.c_str(), 0755);
    const std::string log = lab->dir_ + "/setup.log";

    lab->user_.name = user_name();
    lab->user_.key = lab->dir_ + "/id_ed25519";
    run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "otto-lab", "-f", lab->user_.key}, log);
    write_file(lab->dir_ + "/authorized_keys", read_file(lab->user_.key + ".pub"), 0644);

    if (getuid() == 0) {
        // Privilege separation needs this directory; a fresh machine may lack it.
        fs::create_directories("/run/sshd");
        ::chmod("/run/sshd", 0755);
        lab->password_user_ = ensure_password_user(log);
    }

    if (options.agent) {
        lab->agent_socket_ = lab->dir_ + "/agent.sock";
        lab->agent_pid_ = spawn(lab->server_command({"ssh-agent", "-D", "-a", lab->agent_socket_}), "/dev/null", log);
        for (int i = 0; i < 500 && alive(lab->agent_pid_) && !accepts(lab->agent_socket_); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        setenv("SSH_AUTH_SOCK", lab->agent_socket_.c_str(), 1);
        run({"ssh-add", "-q", lab->user_.key}, log);
        unsetenv("SSH_AUTH_SOCK");
    }

    try {
        lab->ssh_.resize(static_cast<size_t>(options.ssh_servers));
        for (size_t i = 0; i < lab->ssh_.size(); ++i) lab->start_ssh(i);
        if (options.telnet_login_servers > 0 && !lab->password_user_)
            throw std::runtime_error("telnet servers with /bin/login need the password user: run as root");
        for (int i = 0; i < options.telnet_login_servers; ++i) lab->telnet_.push_back(TelnetServer{0, 0, true});
        for (int i = 0; i < options.telnet_shell_servers; ++i) lab->telnet_.push_back(TelnetServer{0, 0, false});
        for (int i = 0; i < options.telnet_ash_servers; ++i) lab->telnet_.push_back(TelnetServer{0, 0, false, true});
        for (size_t i = 0; i < lab->telnet_.size(); ++i) lab->start_telnet(i);
        lab->write_known_hosts();
    } catch (...) {
        lab->stop();
        throw;
    }
    return lab;
}

void Lab::start_ssh(size_t index) {
    SshServer &server = ssh_[index];
    std::string base = dir_ + "/sshd" + std::to_string(index);
    fs::create_directories(base);
    std::string host_key = base + "/ssh_host_ed25519_key";
    if (!fs::exists(host_key))
        run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "otto-lab-host", "-f", host_key},
            dir_ + "/setup.log");
    server.host_key_public = first_line(read_file(host_key + ".pub"));
    server.config = base + "/sshd_config";
    server.log = base + "/sshd.log";

    for (int attempt = 0; attempt < 5; ++attempt) {
        if (server.port == 0 || attempt > 0) server.port = free_port();
        std::ostringstream config;
        config << "Port " << server.port << "\n"
               << "ListenAddress 127.0.0.1\n"
               << "HostKey " << host_key << "\n"
               << "PidFile " << base << "/sshd.pid\n"
               << "AuthorizedKeysFile " << dir_ << "/authorized_keys\n"
               << "AllowUsers " << user_.name << (password_user_ ? " " + password_user_->name : "") << "\n"
               << "PermitRootLogin yes\n"
               << "PubkeyAuthentication yes\n";
        if (options_.keyboard_interactive) {
            config << "PasswordAuthentication no\n"
                   << "KbdInteractiveAuthentication yes\n"
                   << "UsePAM yes\n";
        } else {
            config << "PasswordAuthentication " << (password_user_ ? "yes" : "no") << "\n"
                   << "KbdInteractiveAuthentication no\n"
                   << "UsePAM no\n";
        }
        config << "UseDNS no\n"
               << "StrictModes no\n"
               << "PrintMotd no\n"
               << "PrintLastLog no\n"
               << "MaxStartups 1000:30:2000\n"
               << "MaxSessions " << options_.max_sessions << "\n"
               << "LoginGraceTime 30\n"
               << "LogLevel " << options_.log_level << "\n";
        if (options_.sftp) config << "Subsystem sftp internal-sftp\n";
        write_file(server.config, config.str());
        run({kSshd, "-t", "-f", server.config}, dir_ + "/setup.log");
        server.pid = spawn(server_command({kSshd, "-D", "-f", server.config, "-E", server.log}));
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (alive(server.pid) && !accepts(server.port) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (alive(server.pid) && accepts(server.port)) return;
        stop_process(server.pid, server.config);
        server.pid = 0;
        // Lost a race for the port: another process took it; try another.
    }
    throw std::runtime_error("sshd did not start (see " + server.log + "):\n" + read_file(server.log));
}

void Lab::start_telnet(size_t index) {
    TelnetServer &server = telnet_[index];
    std::string busybox = telnetd_busybox();
    std::string program = server.login ? "/bin/login" : "/bin/sh";
    if (server.ash) {
        // telnetd runs its program with no arguments; BusyBox picks the
        // applet by the name it is called by.
        program = dir_ + "/ash";
        std::error_code ignored;
        fs::remove(program, ignored);
        fs::create_symlink(busybox, program);
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        server.port = free_port();
        // -F: foreground, so the pid is the server's; -K: close a session
        // when its shell exits.
        server.pid = spawn(server_command({busybox, "telnetd", "-F", "-K", "-p", std::to_string(server.port), "-b",
                                           "127.0.0.1", "-l", program}),
                           "/dev/null", dir_ + "/telnetd" + std::to_string(index) + ".log");
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (alive(server.pid) && !accepts(server.port) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (alive(server.pid) && accepts(server.port)) return;
        stop_process(server.pid, "telnetd");
    }
    throw std::runtime_error("telnetd did not start (see " + dir_ + "/telnetd" + std::to_string(index) + ".log)");
}

int Lab::signal_telnet_sessions(size_t index, int sig) {
    pid_t listener = telnet_.at(index).pid;
    int count = 0;
    for (auto [pid, ppid] : process_table())
        if (ppid == listener && ::kill(pid, sig) == 0) ++count;
    return count;
}

std::vector<std::string> Lab::server_command(std::vector<std::string> argv) const {
    if (!options_.die_with_parent) return argv;
    // setpriv(1) sets PR_SET_PDEATHSIG and execs the server: same pid.
    std::vector<std::string> wrapped{"setpriv", "--pdeathsig", "TERM", "--"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
}

std::string Lab::known_hosts() const { return dir_ + "/known_hosts"; }

void Lab::write_known_hosts() const {
    // Written once the servers are up (and their ports known); readers never
    // see it half-written.
    std::string content;
    for (const auto &s : ssh_) content += "[127.0.0.1]:" + std::to_string(s.port) + " " + s.host_key_public + "\n";
    std::string tmp = known_hosts() + ".tmp";
    write_file(tmp, content);
    fs::rename(tmp, known_hosts());
}

void Lab::signal_server(size_t index, int sig) { ::kill(ssh_.at(index).pid, sig); }

void Lab::authorize_key(const std::string &public_key_file) {
    std::ofstream out(dir_ + "/authorized_keys", std::ios::app);
    out << read_file(public_key_file);
}

int Lab::signal_connections(size_t index, int sig) {
    // Every process below the listener whose command is sshd: the
    // per-connection privilege-separation processes, not the user's shells.
    pid_t listener = ssh_.at(index).pid;
    auto processes = process_table();
    std::vector<pid_t> tree{listener};
    for (size_t i = 0; i < tree.size(); ++i)
        for (auto &[pid, ppid] : processes)
            if (ppid == tree[i]) tree.push_back(pid);
    int count = 0;
    for (size_t i = 1; i < tree.size(); ++i) {
        std::string comm = read_file("/proc/" + std::to_string(tree[i]) + "/comm");
        if (comm.rfind("sshd", 0) != 0) continue;
        if (::kill(tree[i], sig) == 0) ++count;
    }
    return count;
}

void Lab::restart_server(size_t index) {
    stop_process(ssh_.at(index).pid, ssh_.at(index).config);
    ssh_.at(index).pid = 0;
    int port = ssh_[index].port;
    // Same port, so that hosts pointing at it reconnect to the new server.
    SshServer &server = ssh_[index];
    server.pid = spawn(server_command({kSshd, "-D", "-f", server.config, "-E", server.log}));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (alive(server.pid) && !accepts(port) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!alive(server.pid)) throw std::runtime_error("sshd did not restart:\n" + read_file(server.log));
}

void Lab::detach() {
    stopped_ = true;
    owns_dir_ = false;
}

void Lab::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto &s : ssh_) stop_process(s.pid, s.config);
    for (auto &t : telnet_) stop_process(t.pid, "telnetd -F -K -p " + std::to_string(t.port));
    if (agent_pid_ > 0) stop_process(agent_pid_, agent_socket_);
    if (owns_dir_) {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
}

Lab::~Lab() { stop(); }

namespace {

cJSON *lab_host(const std::string &element, size_t index, const std::string &lab_name) {
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "ip", "127.0.0.1");
    cJSON_AddStringToObject(h, "element", element.c_str());
    cJSON_AddNumberToObject(h, "element_id", static_cast<double>(index));
    cJSON *labs = cJSON_AddArrayToObject(h, "labs");
    cJSON_AddItemToArray(labs, cJSON_CreateString(lab_name.c_str()));
    cJSON *resources = cJSON_AddArrayToObject(h, "resources");
    cJSON_AddItemToArray(resources, cJSON_CreateString((element + std::to_string(index)).c_str()));
    return h;
}

// Writes `root` pretty-printed and deletes it.
void write_json_file(const std::string &path, cJSON *root) {
    char *text = cJSON_Print(root);
    std::string json = std::string(text) + "\n";
    cJSON_free(text);
    cJSON_Delete(root);
    write_file(path, json);
}

void add_cred(cJSON *host, const std::string &login, const std::string &password) {
    cJSON *creds = cJSON_AddArrayToObject(host, "creds");
    cJSON *cred = cJSON_CreateObject();
    cJSON_AddStringToObject(cred, "login", login.c_str());
    if (!password.empty()) cJSON_AddStringToObject(cred, "password", password.c_str());
    cJSON_AddItemToArray(creds, cred);
}

}  // namespace

void Lab::write_otto_lab(const std::string &path, const std::string &lab_name) const {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "_comment", "otto's loopback test lab, written by otto-lab");
    cJSON *hosts = cJSON_AddArrayToObject(root, "hosts");
    for (size_t i = 0; i < ssh_.size(); ++i) {
        cJSON *h = lab_host("ssh", i, lab_name);
        add_cred(h, user_.name, "");
        cJSON_AddStringToObject(h, "valid_terms", "ssh");
        cJSON *o = cJSON_AddObjectToObject(h, "ssh_options");
        cJSON_AddNumberToObject(o, "port", ssh_[i].port);
        cJSON *keys = cJSON_AddArrayToObject(o, "client_keys");
        cJSON_AddItemToArray(keys, cJSON_CreateString(user_.key.c_str()));
        cJSON_AddStringToObject(o, "known_hosts", known_hosts().c_str());
        cJSON_AddStringToObject(o, "host_key_policy", "strict");
        cJSON_AddItemToArray(hosts, h);
    }
    size_t consoles = 0, shells = 0, ashes = 0;
    for (const auto &t : telnet_) {
        const char *element = t.login ? "console" : t.ash ? "ash" : "shell";
        size_t &count = t.login ? consoles : t.ash ? ashes : shells;
        cJSON *h = lab_host(element, count++, lab_name);
        if (t.login && password_user_) add_cred(h, password_user_->name, password_user_->password);
        else add_cred(h, "root", "");
        cJSON_AddStringToObject(h, "valid_terms", "telnet");
        if (t.ash) cJSON_AddStringToObject(h, "os_type", "busybox");
        cJSON *o = cJSON_AddObjectToObject(h, "telnet_options");
        cJSON_AddNumberToObject(o, "port", t.port);
        cJSON_AddBoolToObject(o, "login", t.login);
        cJSON_AddItemToArray(hosts, h);
    }
    write_json_file(path, root);
}

void Lab::write_json(const std::string &path) const {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "dir", dir_.c_str());
    cJSON *user = cJSON_AddObjectToObject(root, "user");
    cJSON_AddStringToObject(user, "name", user_.name.c_str());
    cJSON_AddStringToObject(user, "key", user_.key.c_str());
    if (password_user_) {
        cJSON *pw = cJSON_AddObjectToObject(root, "password_user");
        cJSON_AddStringToObject(pw, "name", password_user_->name.c_str());
        cJSON_AddStringToObject(pw, "password", password_user_->password.c_str());
    }
    if (!agent_socket_.empty()) {
        cJSON_AddStringToObject(root, "agent_socket", agent_socket_.c_str());
        cJSON_AddNumberToObject(root, "agent_pid", agent_pid_);
    }
    cJSON_AddStringToObject(root, "known_hosts", known_hosts().c_str());
    cJSON *servers = cJSON_AddArrayToObject(root, "ssh");
    for (const auto &s : ssh_) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "port", s.port);
        cJSON_AddNumberToObject(o, "pid", s.pid);
        cJSON_AddStringToObject(o, "config", s.config.c_str());
        cJSON_AddStringToObject(o, "log", s.log.c_str());
        cJSON_AddStringToObject(o, "host_key", s.host_key_public.c_str());
        cJSON_AddItemToArray(servers, o);
    }
    cJSON *telnet = cJSON_AddArrayToObject(root, "telnet");
    for (const auto &t : telnet_) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "port", t.port);
        cJSON_AddNumberToObject(o, "pid", t.pid);
        cJSON_AddBoolToObject(o, "login", t.login);
        cJSON_AddBoolToObject(o, "ash", t.ash);
        cJSON_AddItemToArray(telnet, o);
    }
    write_json_file(path, root);
}

std::unique_ptr<Lab> Lab::load(const std::string &json_path) {
    std::string text = read_file(json_path);
    cJSON *root = cJSON_Parse(text.c_str());
    if (root == nullptr) throw std::runtime_error("cannot parse " + json_path);
    std::unique_ptr<Lab> lab(new Lab());
    auto str = [](cJSON *o, const char *key) {
        cJSON *v = cJSON_GetObjectItem(o, key);
        return cJSON_IsString(v) ? std::string(v->valuestring) : std::string();
    };
    lab->dir_ = str(root, "dir");
    lab->owns_dir_ = false;
    lab->agent_socket_ = str(root, "agent_socket");
    if (cJSON *a = cJSON_GetObjectItem(root, "agent_pid")) lab->agent_pid_ = static_cast<pid_t>(a->valuedouble);
    cJSON *servers = cJSON_GetObjectItem(root, "ssh");
    cJSON *s = nullptr;
    cJSON_ArrayForEach(s, servers) {
        SshServer server;
        server.port = static_cast<int>(cJSON_GetObjectItem(s, "port")->valuedouble);
        server.pid = static_cast<pid_t>(cJSON_GetObjectItem(s, "pid")->valuedouble);
        server.config = str(s, "config");
        server.log = str(s, "log");
        server.host_key_public = str(s, "host_key");
        lab->ssh_.push_back(server);
    }
    cJSON *telnet = cJSON_GetObjectItem(root, "telnet");
    cJSON *t = nullptr;
    cJSON_ArrayForEach(t, telnet) {
        TelnetServer server;
        server.port = static_cast<int>(cJSON_GetObjectItem(t, "port")->valuedouble);
        server.pid = static_cast<pid_t>(cJSON_GetObjectItem(t, "pid")->valuedouble);
        server.login = cJSON_IsTrue(cJSON_GetObjectItem(t, "login"));
        server.ash = cJSON_IsTrue(cJSON_GetObjectItem(t, "ash"));
        lab->telnet_.push_back(server);
    }
    cJSON_Delete(root);
    return lab;
}

}  // namespace otto_lab
