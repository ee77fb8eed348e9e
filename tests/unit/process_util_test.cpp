// signal_session: every process of a shell's session is signalled, and the
// shell itself even before it has made its own session (a shell closed right
// after its spawn).
#include "transport/local/process_util.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace {

// Waits up to 10 s for `pid` to end; its wait status, or -1 (then it is
// killed, so no test leaves it behind).
int wait_status(pid_t pid) {
    for (int i = 0; i < 1000; ++i) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
}

TEST(SignalSession, ReachesAChildThatHasNotYetMadeItsOwnSession) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        pause();  // still in the test's session
        _exit(0);
    }
    otto::signal_session(child, SIGKILL);
    int status = wait_status(child);
    ASSERT_NE(status, -1) << "the child was not signalled";
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(SignalSession, ReachesEveryMemberOfTheSession) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t leader = fork();
    ASSERT_GE(leader, 0);
    if (leader == 0) {
        setsid();
        if (fork() == 0) {  // a member the leader started
            close(ready[0]);
            pid_t self = getpid();
            if (write(ready[1], &self, sizeof self) != sizeof self) _exit(1);
            pause();
            _exit(0);
        }
        pause();
        _exit(0);
    }
    close(ready[1]);
    pid_t member = 0;
    ASSERT_EQ(read(ready[0], &member, sizeof member),
              static_cast<ssize_t>(sizeof member));  // it exists, in the session
    close(ready[0]);
    otto::signal_session(leader, SIGKILL);
    int status = wait_status(leader);
    ASSERT_NE(status, -1) << "the leader was not signalled";
    EXPECT_TRUE(WIFSIGNALED(status));
    // The member, reparented, is gone too (or a zombie its new parent has
    // yet to reap).
    bool alive = true;
    for (int i = 0; i < 500 && alive; ++i) {
        std::ifstream stat("/proc/" + std::to_string(member) + "/stat");
        std::string pid, name, state;
        alive = stat && (stat >> pid >> name >> state) && state != "Z";
        if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_FALSE(alive) << "member " << member << " of the session survived";
}

}  // namespace
