// The otto command over a real lab: every host's output, the summary, JSON,
// and the exit code as the worst status.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "fleet_fixture.hpp"

extern char **environ;

namespace otto_test {
namespace {

struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string quoted(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs `otto ARGS...` with `env` prepended (and `wrapper`, a command that
// runs otto, after it), no terminal, and no lab variables unless given.
Outcome otto_cli(const std::vector<std::string> &args, const std::string &env = "", const std::string &wrapper = "") {
    TempDir dir;
    std::string command = "env -u OTTO_LAB -u OTTO_LAB_PATH " + env + " " + wrapper + " " + quoted(OTTO_CLI_PATH);
    for (const auto &a : args) command += " " + quoted(a);
    command += " >" + dir.file("out") + " 2>" + dir.file("err") + " </dev/null";
    int status = std::system(command.c_str());
    Outcome o;
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = read_file(dir.file("out"));
    o.err = read_file(dir.file("err"));
    return o;
}

// `otto ARGS...` running in the background, its output going to files, so
// a test can act while it runs (the lab variables unset, as for otto_cli).
class RunningOtto {
public:
    explicit RunningOtto(const std::vector<std::string> &args) {
        std::vector<std::string> argv{OTTO_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char *> arg_ptrs;
        for (auto &a : argv) arg_ptrs.push_back(a.data());
        arg_ptrs.push_back(nullptr);
        std::vector<char *> env;
        for (char **e = environ; *e != nullptr; ++e) {
            if (std::strncmp(*e, "OTTO_LAB=", 9) != 0 && std::strncmp(*e, "OTTO_LAB_PATH=", 14) != 0) env.push_back(*e);
        }
        env.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, dir_.file("out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, dir_.file("err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, all;  // Ctrl-C's default, whatever this process does with it
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        int rc = posix_spawn(&pid_, arg_ptrs[0], &actions, &attr, arg_ptrs.data(), env.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        EXPECT_EQ(rc, 0) << std::strerror(rc);
        if (rc != 0) pid_ = -1;
    }
    ~RunningOtto() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);  // only if a failed test left it running
        waitpid(pid_, nullptr, 0);
    }
    RunningOtto(const RunningOtto &) = delete;
    RunningOtto &operator=(const RunningOtto &) = delete;

    std::string out() const { return read_file(dir_.file("out")); }
    pid_t pid() const { return pid_; }

    // Waits until `done` holds for stdout; false if otto ended or a hang
    // bound passed first.
    template <class Done>
    bool wait_for_output(Done done) {
        auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHangMs);
        while (std::chrono::steady_clock::now() < give_up) {
            if (done(out())) return true;
            if (waitpid(pid_, &status_, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    // Waits for otto to end (a hang fails the test).
    Outcome wait() {
        auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHangMs);
        while (pid_ > 0 && std::chrono::steady_clock::now() < give_up) {
            if (waitpid(pid_, &status_, WNOHANG) == pid_) pid_ = -1;
            else std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_EQ(pid_, -1) << "otto did not end";
        Outcome o;
        o.exit_code = pid_ == -1 && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
        o.out = out();
        o.err = read_file(dir_.file("err"));
        return o;
    }

private:
    TempDir dir_;
    pid_t pid_ = -1;
    int status_ = 0;
};

// The ids of the processes whose command line is exactly `command`.
std::vector<pid_t> processes_running(const std::string &command) {
    std::vector<pid_t> pids;
    for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmdline = read_file(entry.path().string() + "/cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline == command + " ") pids.push_back(std::stoi(name));
    }
    return pids;
}

std::vector<std::string> lab_args() { return {"--lab", "fleet", "--lab-path", fleet_lab_dir()}; }

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string> &more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

bool has_line(const std::string &text, const std::string &line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// "ssh0     | text": the id padded to the widest selected id.
std::string prefixed(const std::string &id, size_t width, const std::string &text) {
    return id + std::string(width - id.size(), ' ') + " | " + text;
}

// The fleet lab with one more host, "gone", on a port where nothing listens:
// contacting it fails.
std::string lab_with_a_gone_host(const TempDir &dir, int *port = nullptr) {
    int closed_port = otto_lab::free_port();
    if (port != nullptr) *port = closed_port;
    std::string json = read_file(fleet_lab_dir() + "/lab.json");
    json.insert(json.find('[') + 1, R"({"ip": "127.0.0.1", "element": "gone", "labs": ["fleet"],
        "creds": [{"login": "root"}], "valid_terms": "telnet", "telnet_options": {"port": )" +
                                        std::to_string(closed_port) + "}},");
    std::ofstream(dir.file("lab.json")) << json;
    return dir.path();
}

TEST(OttoCommand, RunPrintsEveryHostsOutputAndSucceeds) {
    auto o = otto_cli(with(lab_args(), {"run", "--local", "echo hello from $(hostname -s >/dev/null; echo otto)"}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    auto ids = fleet_remote_ids();
    ids.emplace_back("local");
    size_t width = 0;
    for (const auto &id : ids) width = std::max(width, id.size());
    for (const auto &id : ids) {
        EXPECT_TRUE(has_line(o.out, prefixed(id, width, "hello from otto"))) << id << "\n" << o.out;
        EXPECT_NE(o.out.find(id + std::string(width - id.size(), ' ') + " Success"), std::string::npos) << o.out;
    }
    // Without a terminal the progress is one line per finished host.
    EXPECT_NE(o.err.find("[" + std::to_string(ids.size()) + "/" + std::to_string(ids.size()) + "] "), std::string::npos)
        << o.err;
    EXPECT_EQ(o.out.find("\033["), std::string::npos);  // no colour into a file
}

TEST(OttoCommand, TheExitCodeIsTheWorstStatus) {
    auto failed = otto_cli(with(lab_args(), {"run", "--hosts", "ssh", "true", "f() { return 7; }; f", "echo never"}));
    EXPECT_EQ(failed.exit_code, 1) << failed.err;
    EXPECT_NE(failed.out.find("Failed  exit 7 (f() { return 7; }; f)"), std::string::npos) << failed.out;

    int closed_port = 0;
    TempDir dir;
    auto error =
        otto_cli({"--lab", "fleet", "--lab-path", lab_with_a_gone_host(dir, &closed_port), "run", "echo still here"});
    EXPECT_EQ(error.exit_code, 2) << error.err;
    EXPECT_TRUE(has_line(error.out, prefixed("ssh1", 8, "still here"))) << error.out;
    EXPECT_NE(error.out.find("gone     Error"), std::string::npos) << error.out;
    EXPECT_NE(error.out.find(std::to_string(closed_port)), std::string::npos) << error.out;  // why, in the summary

    auto dry = otto_cli(with(lab_args(), {"--dry-run", "run", "--hosts", "^ssh0$", "rm -rf /nonexistent/otto"}));
    EXPECT_EQ(dry.exit_code, 5) << dry.err;
    EXPECT_NE(dry.err.find("ssh0: [dry run] rm -rf /nonexistent/otto"), std::string::npos) << dry.err;
}

TEST(OttoCommand, ExecRunsOneCommandLineAsAOneShot) {
    auto o =
        otto_cli(with(lab_args(), {"exec", "--hosts", "^(ssh0|shell0)$", "echo", "a", "b;", "echo", "err", ">&2"}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_TRUE(has_line(o.out, "ssh0   | a b")) << o.out;
    EXPECT_TRUE(has_line(o.out, "shell0 | a b")) << o.out;
    EXPECT_TRUE(has_line(o.out, "ssh0   ! err")) << o.out;
}

TEST(OttoCommand, JsonOutputHoldsEveryHost) {
    auto o = otto_cli(with(lab_args(), {"--json", "run", "--hosts", "^ssh", "echo json"}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.out.rfind(R"({"lab":"fleet","status":"Success","hosts":{"ssh0":)", 0), 0u) << o.out;
    EXPECT_NE(o.out.find(R"("ssh1":{"status":"Success")"), std::string::npos) << o.out;
    EXPECT_EQ(o.out.find(" | "), std::string::npos);  // no live lines in JSON mode
}

TEST(OttoCommand, LabsAreFoundThroughTheEnvironmentAndTheCurrentDirectory) {
    auto by_env = otto_cli({"hosts"}, "OTTO_LAB=fleet OTTO_LAB_PATH=/nonexistent:" + fleet_lab_dir());
    EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
    for (const auto &id : fleet_remote_ids())
        EXPECT_NE(by_env.out.find("\n" + id + " "), std::string::npos) << by_env.out;

    TempDir dir;
    std::string command = "cd " + quoted(fleet_lab_dir()) + " && " + quoted(OTTO_CLI_PATH) +
                          " --lab fleet --json hosts >" + dir.file("out");
    ASSERT_EQ(std::system(command.c_str()), 0);
    EXPECT_NE(read_file(dir.file("out")).find(R"("id":"ash0")"), std::string::npos);
}

TEST(OttoCommand, PutAndGetCopyFilesToAndFromEveryHost) {
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    std::string shared = dir.file("shared");
    ASSERT_EQ(::mkdir(shared.c_str(), 0777), 0);
    ASSERT_EQ(::chmod(shared.c_str(), 0777), 0);
    std::ofstream(dir.file("notes.txt")) << "lab notes\n";
    auto put = otto_cli(with(lab_args(), {"put", "--hosts", "^(ssh0|ash0)$", dir.file("notes.txt"), shared + "/in"}));
    EXPECT_EQ(put.exit_code, 0) << put.err << put.out;
    EXPECT_TRUE(has_line(put.out, "ssh0 | " + dir.file("notes.txt") + ": 10 bytes")) << put.out;
    EXPECT_NE(put.out.find("ash0 Success 1 file, 10 bytes"), std::string::npos) << put.out;
    EXPECT_EQ(read_file(shared + "/in/notes.txt"), "lab notes\n");

    auto get =
        otto_cli(with(lab_args(), {"get", "--hosts", "^(ssh0|ash0)$", shared + "/in/notes.txt", dir.file("back")}));
    EXPECT_EQ(get.exit_code, 0) << get.err << get.out;
    EXPECT_EQ(read_file(dir.file("back/ssh0/notes.txt")), "lab notes\n");
    EXPECT_EQ(read_file(dir.file("back/ash0/notes.txt")), "lab notes\n");

    auto missing = otto_cli(with(lab_args(), {"get", "--hosts", "^ssh0$", shared + "/none", dir.file("back")}));
    EXPECT_EQ(missing.exit_code, 2) << missing.out;
    EXPECT_NE(missing.out.find(shared + "/none"), std::string::npos) << missing.out;
    EXPECT_EQ(otto_cli(with(lab_args(), {"put", dir.file("notes.txt")})).exit_code, 64);
}

TEST(OttoCommand, LinesKeepEveryByteNulsIncluded) {
    const std::string line("a\0b", 3);
    for (std::string mode : {"run", "exec"}) {
        auto o = otto_cli(with(lab_args(), {mode, "--hosts", "^(ssh0|local)$", "--local", "printf 'a\\0b\\n'"}));
        EXPECT_EQ(o.exit_code, 0) << mode << "\n" << o.err;
        EXPECT_TRUE(has_line(o.out, prefixed("ssh0", 5, line))) << mode << "\n" << o.out;
        EXPECT_TRUE(has_line(o.out, prefixed("local", 5, line))) << mode << "\n" << o.out;
    }
}

// However the output is gathered into writes, each host's lines arrive
// whole and in order, never cut by another host's.
TEST(OttoCommand, ManyLinesOfManyHostsArriveWholeAndInOrder) {
    const int lines = 20000;
    auto o = otto_cli(with(lab_args(), {"run", "--hosts", "^(ssh|local)", "--local", "seq " + std::to_string(lines)}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    std::map<std::string, int> last;  // host id -> the last number it printed
    std::istringstream out(o.out);
    std::string line;
    while (std::getline(out, line)) {
        size_t bar = line.find(" | ");
        if (bar == std::string::npos) break;  // the summary
        std::string id = line.substr(0, line.find(' '));
        ASSERT_EQ(line.substr(bar + 3), std::to_string(last[id] + 1)) << "after " << id << " printed " << last[id];
        last[id] += 1;
    }
    EXPECT_EQ(last, (std::map<std::string, int>{{"local", lines}, {"ssh0", lines}, {"ssh1", lines}}));
}

// One write(2) per line made printing, not the hosts, the limit on busy
// output: the lines go out in blocks.
TEST(OttoCommand, OutputIsWrittenInBlocksNotLineByLine) {
    if (std::system("command -v strace >/dev/null") != 0) GTEST_SKIP() << "needs strace (scripts/install-deps.sh)";
    const int lines = 20000;
    TempDir dir;
    // Without -f strace follows only otto's main thread, where output is
    // written, and not the local host's shell. LeakSanitizer cannot work
    // under ptrace: in a sanitizer build the other tests check for leaks.
    auto o = otto_cli({"run", "seq " + std::to_string(lines)}, "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\"",
                      "strace -o " + quoted(dir.file("trace")) + " -e trace=write");
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_TRUE(has_line(o.out, "local | " + std::to_string(lines))) << o.out.substr(o.out.size() - 200);
    std::istringstream trace(read_file(dir.file("trace")));
    std::string call;
    int stdout_writes = 0;
    while (std::getline(trace, call)) stdout_writes += call.rfind("write(1, ", 0) == 0;
    EXPECT_GT(stdout_writes, 0);  // the trace saw the writes
    EXPECT_LT(stdout_writes, lines / 100);
}

TEST(OttoCommand, UsageErrorsSayWhatIsWrongInOttosWords) {
    struct Mistake {
        std::vector<std::string> args;
        std::string message;  // the first line, after "otto: "
    };
    std::vector<Mistake> mistakes{
        {{"run", "--hosts", "ssh(", "true"},
         "--hosts: hosts regex \"ssh(\" does not compile: missing closing parenthesis at offset 4"},
        {{"run", "--timeout", "-1", "true"},
         "run: --timeout: \"-1\" is not a number of seconds above 0 (such as 30 or 2.5)"},
        {{"exec", "--timeout", "soon", "true"},
         "exec: --timeout: \"soon\" is not a number of seconds above 0 (such as 30 or 2.5)"},
        {{"run", "--limit", "-3", "true"},
         "run: --limit: \"-3\" is not a number of hosts: a whole number, 0 (no limit) or more"},
        {{"frobnicate"}, "\"frobnicate\" is not a command; the commands are hosts, run, exec, put or get"},
        {{}, "no command given; the commands are hosts, run, exec, put or get"},
        {{"run"}, "run: no command given; give the commands to run"},
        {{"put", "only-one"}, "put: give the local files, then the directory on the hosts"},
        {{"run", "--bogus", "true"}, "run: the following argument was not expected: --bogus"},
    };
    for (const auto &mistake : mistakes) {
        auto o = otto_cli(with(lab_args(), mistake.args));
        std::string shown = mistake.args.empty() ? "(nothing)" : mistake.args.front();
        EXPECT_EQ(o.exit_code, 64) << shown << "\n" << o.err;
        std::string first_line = o.err.substr(0, o.err.find('\n'));
        EXPECT_EQ(first_line, "otto: " + mistake.message) << shown;
        EXPECT_NE(o.err.find("--help"), std::string::npos) << shown << "\n" << o.err;
        EXPECT_EQ(o.out, "") << shown;
    }
}

TEST(OttoCommand, PutAndGetRefuseBadLocalArgumentsBeforeContactingAnyHost) {
    TempDir dir;
    std::string lab_dir = lab_with_a_gone_host(dir);
    TempDir files;
    std::ofstream(files.file("notes.txt")) << "notes\n";
    ASSERT_EQ(::mkdir(files.file("more").c_str(), 0755), 0);
    std::ofstream(files.file("more/notes.txt")) << "more notes\n";
    struct Mistake {
        std::vector<std::string> args;
        std::string message;  // the first line, after "otto: "
    };
    std::vector<Mistake> mistakes{
        {{"put", files.file("notes.txt"), files.file("absent.txt"), "/tmp/in"},
         "cannot open local file " + files.file("absent.txt") + ": No such file or directory"},
        {{"put", files.file("more"), "/tmp/in"},
         files.file("more") + " is a directory: only files are copied, not directories"},
        {{"put", files.file("notes.txt"), files.file("more/notes.txt"), "/tmp/in"},
         "put: two files are named \"notes.txt\": they would overwrite each other in /tmp/in"},
        {{"get", "/etc/notes.txt", "/var/notes.txt", files.path()},
         "get: two files are named \"notes.txt\": they would overwrite each other in " + files.path()},
        {{"get", "/etc/hostname", files.file("notes.txt")},
         "cannot create directory " + files.file("notes.txt") + ": a file is in the way"},
    };
    for (const auto &mistake : mistakes) {
        // Only the unreachable host: contacting it would end in Error (2).
        auto o = otto_cli(with({"--lab", "fleet", "--lab-path", lab_dir}, with(mistake.args, {"--hosts", "^gone$"})));
        EXPECT_EQ(o.exit_code, 64) << mistake.message << "\n" << o.out << o.err;
        EXPECT_EQ(o.err.substr(0, o.err.find('\n')), "otto: " + mistake.message);
        EXPECT_NE(o.err.find("--help"), std::string::npos) << o.err;
        EXPECT_EQ(o.err.find("gone"), std::string::npos) << "no host was started: " << o.err;
        EXPECT_EQ(o.out, "");
    }
    EXPECT_EQ(read_file(files.file("notes.txt")), "notes\n");
}

TEST(OttoCommand, EachFailedFileOfATransferGetsItsOwnLine) {
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    std::ofstream(dir.file("here.txt")) << "here\n";
    auto get = otto_cli(with(lab_args(), {"get", "--hosts", "^(ssh0|ash0)$", dir.file("here.txt"),
                                          dir.file("absent.txt"), dir.file("back")}));
    EXPECT_EQ(get.exit_code, 2) << get.err;
    for (const std::string id : {"ssh0", "ash0"}) {
        EXPECT_TRUE(has_line(get.out, id + " | " + dir.file("here.txt") + ": 5 bytes")) << get.out;
        // "ssh0 ! /path/absent.txt: why", the why as the host said it.
        size_t at = get.out.find(id + " ! " + dir.file("absent.txt") + ": ");
        ASSERT_NE(at, std::string::npos) << get.out;
        std::string line = get.out.substr(at, get.out.find('\n', at) - at);
        EXPECT_NE(line.find("No such file"), std::string::npos) << line;
        EXPECT_NE(get.out.find(id + " Error   1 of 2 files failed"), std::string::npos) << get.out;
    }
    EXPECT_EQ(read_file(dir.file("back/ssh0/here.txt")), "here\n");
}

// Ctrl-C cancels what still runs, which stops the remote commands, and
// otto ends as interrupted (130) after the summary of every host.
TEST(OttoCommand, CtrlCCancelsTheHostsPrintsTheSummaryAndExits130) {
    // A sleep of its own, so the test can find it on the lab's hosts (all on
    // this machine) and see it end.
    std::string sleep = "sleep " + std::to_string(100000 + getpid() % 100000);
    std::vector<std::string> ids{"ssh0", "shell0", "local"};
    RunningOtto otto(
        with(lab_args(), {"run", "--local", "--hosts", "^(ssh0|shell0|local)$", "echo started; " + sleep}));
    bool all_started = otto.wait_for_output([&](const std::string &out) {
        for (const auto &id : ids) {
            if (!has_line(out, prefixed(id, 6, "started"))) return false;
        }
        return true;
    });
    ASSERT_TRUE(all_started) << otto.out();
    ASSERT_EQ(::kill(otto.pid(), SIGINT), 0);
    auto o = otto.wait();
    EXPECT_EQ(o.exit_code, 130) << o.err;
    for (const auto &id : ids) {
        EXPECT_NE(o.out.find("\n" + id + std::string(6 - id.size(), ' ') + " Error   canceled"), std::string::npos)
            << id << "\n"
            << o.out;
    }
    EXPECT_NE(o.err.find("otto: interrupted"), std::string::npos) << o.err;

    // The remote commands end with otto (allowing for their shells to go).
    auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHangMs);
    while (!processes_running(sleep).empty() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto left = processes_running(sleep);
    EXPECT_TRUE(left.empty()) << left.size() << " of the commands still run";
    for (pid_t pid : left) ::kill(pid, SIGKILL);
}

TEST(OttoCommand, VersionPrintsTheLibrarysVersion) {
    auto o = otto_cli({"--version"});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.out, std::string("otto ") + otto_version(nullptr, nullptr, nullptr) + "\n");
}

TEST(OttoCommand, BadInputGetsAClearMessageAndItsOwnExitCode) {
    auto missing = otto_cli(with(lab_args(), {"--lab", "nolab", "hosts"}));
    EXPECT_EQ(missing.exit_code, 66);
    EXPECT_NE(missing.err.find("nolab"), std::string::npos) << missing.err;

    TempDir dir;
    std::ofstream(dir.file("lab.json")) << "{\"hosts\": [}";
    auto malformed = otto_cli({"--lab", "x", "--lab-path", dir.path(), "hosts"});
    EXPECT_EQ(malformed.exit_code, 65);
    EXPECT_NE(malformed.err.find("lab.json:1:"), std::string::npos) << malformed.err;

    EXPECT_EQ(otto_cli({"frobnicate"}).exit_code, 64);
    EXPECT_EQ(otto_cli(with(lab_args(), {"run"})).exit_code, 64);
    auto nobody = otto_cli(with(lab_args(), {"run", "--hosts", "^router", "true"}));
    EXPECT_EQ(nobody.exit_code, 64);
    EXPECT_NE(nobody.err.find("no host of lab \"fleet\" matches /^router/"), std::string::npos) << nobody.err;
}

}  // namespace
}  // namespace otto_test
