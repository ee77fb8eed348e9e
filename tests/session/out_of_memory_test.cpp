// Running out of memory on the loop thread fails the op it happened for
// with OTTO_ENOMEM and ends nothing else (out_of_memory_probe.cpp runs the
// case in a process of its own, under an address-space limit).
#include <spawn.h>
#include <sys/wait.h>

#include "otto_test.hpp"

extern char **environ;

namespace otto_test {
namespace {

void expect_probe_passes(const char *mode) {
    if (!kMemoryIsMeasurable) GTEST_SKIP() << "sanitizers reserve more address space than the probe's limit";
    std::string probe = OTTO_OUT_OF_MEMORY_PROBE;
    std::string mode_arg = mode;
    char *argv[] = {probe.data(), mode_arg.data(), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, probe.c_str(), nullptr, nullptr, argv, environ), 0) << probe;
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "the probe died of signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0) << "see the probe's message above";
}

TEST(OutOfMemory, AOneshotWhoseOutputOutgrowsMemoryFailsItsOpOnly) { expect_probe_passes("oneshot"); }

TEST(OutOfMemory, ASessionRunWhoseOutputOutgrowsMemoryFailsItsOpOnly) { expect_probe_passes("session"); }

}  // namespace
}  // namespace otto_test
