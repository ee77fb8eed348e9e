// A program that runs a command whose output outgrows the memory it may
// use (RLIMIT_AS), to show that running out of memory on the loop thread
// fails that command's op with OTTO_ENOMEM and ends nothing else. Run by
// OutOfMemory.* in a process of its own, since it lowers its own limit.
//   out_of_memory_probe oneshot|session
// Exits 0 when the op failed with OTTO_ENOMEM and the context still serves
// a command afterwards; 1 otherwise, saying why.
#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "otto.h"

namespace {

long vm_size_kib() {
    std::ifstream status("/proc/self/status");
    std::string word;
    while (status >> word) {
        if (word == "VmSize:") {
            long value = 0;
            status >> value;
            return value;
        }
    }
    return -1;
}

int fail(const char *what, int code) {
    std::fprintf(stderr, "out_of_memory_probe: %s: %d (%s) %s\n", what, code, otto_strerror(code),
                 otto_last_error_message());
    return 1;
}

// Submits `command` (a one-shot or a run) and waits for its op.
otto_op *submit(otto_host *host, bool oneshot, const char *command, const otto_run_opts *opts) {
    otto_op *op = nullptr;
    int rc = oneshot ? otto_host_oneshot(&op, host, command, opts, nullptr, nullptr)
                     : otto_host_run(&op, host, command, opts, nullptr, nullptr);
    if (rc != OTTO_OK || otto_op_wait(op, 120'000) != OTTO_OK) {
        otto_op_free(op);
        return nullptr;
    }
    return op;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2 || (std::strcmp(argv[1], "oneshot") != 0 && std::strcmp(argv[1], "session") != 0)) {
        std::fprintf(stderr, "usage: out_of_memory_probe oneshot|session\n");
        return 2;
    }
    bool oneshot = std::strcmp(argv[1], "oneshot") == 0;
    otto_context *ctx = nullptr;
    otto_host *host = nullptr;
    otto_run_opts *opts = nullptr;
    if (int rc = otto_context_new(&ctx, nullptr); rc != OTTO_OK) return fail("otto_context_new", rc);
    if (int rc = otto_host_new_local(&host, ctx, nullptr); rc != OTTO_OK) return fail("otto_host_new_local", rc);
    if (int rc = otto_run_opts_new(&opts); rc != OTTO_OK) return fail("otto_run_opts_new", rc);
    // Keep everything: the output itself is what outgrows memory.
    otto_run_opts_set_output_limit(opts, UINT64_MAX);
    otto_run_opts_set_timeout(opts, 120);

    // Warm up (the loop thread, its allocator arena, the shell), then allow
    // only so much more address space.
    otto_op *warm = submit(host, oneshot, "echo warm", opts);
    if (warm == nullptr || otto_op_error(warm) != OTTO_OK) return fail("warm-up", warm ? otto_op_error(warm) : -1);
    otto_op_free(warm);
    long size = vm_size_kib();
    if (size < 0) return fail("no VmSize", -1);
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(size + 384 * 1024) * 1024;
    if (setrlimit(RLIMIT_AS, &limit) != 0) return fail("setrlimit", errno);

    // 4 GB, with newlines: the kept output outgrows the limit.
    otto_op *big = submit(host, oneshot, "yes 0123456789abcdef | head -c 4000000000", opts);
    if (big == nullptr) return fail("the big command never finished", -1);
    int big_error = otto_op_error(big);
    std::fprintf(stderr, "out_of_memory_probe: the big command's op: %d (%s): %s\n", big_error,
                 otto_strerror(big_error), otto_op_error_message(big));
    otto_op_free(big);
    if (big_error != OTTO_ENOMEM) return fail("the big command's op did not fail with OTTO_ENOMEM", big_error);

    // The context goes on serving.
    otto_op *next = submit(host, oneshot, "echo next", opts);
    if (next == nullptr || otto_op_error(next) != OTTO_OK)
        return fail("the next command", next ? otto_op_error(next) : -1);
    otto_op_free(next);
    otto_run_opts_free(opts);
    otto_host_free(host);
    if (int rc = otto_context_free(ctx); rc != OTTO_OK) return fail("otto_context_free", rc);
    return 0;
}
