// A one-shot command on the local host: a fresh process with its own stdout
// and stderr pipes, bounded by a timeout (SESSION-PROTOCOL glossary:
// stateless exec).
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/host_backend.hpp"
#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "loop/uv_handle.hpp"
#include "transport/oneshot_output.hpp"
#include "util/clock.hpp"

namespace otto {

class LocalOneshot final : public OneshotHandle, public std::enable_shared_from_this<LocalOneshot> {
public:
    using Done = std::function<void(CommandResult)>;

    // Starts the process. `done` runs once, on a later turn of the loop,
    // unless cancel() comes first. `hold` keeps the loop alive until the
    // process is reaped.
    static std::shared_ptr<LocalOneshot> start(uv_loop_t *loop, std::vector<std::string> argv, const OneshotSpec &spec,
                                               OneshotLineSink lines, Done done, std::shared_ptr<void> hold);

    LocalOneshot(uv_loop_t *loop, OneshotSpec spec, OneshotLineSink lines, Done done, std::shared_ptr<void> hold);
    ~LocalOneshot() override;

    void cancel() override;
    void pause_output() override;
    void resume_output() override;

private:
    struct Stream : OneshotOutput {
        UvHandle<uv_pipe_t> pipe;
        bool eof = false;
    };

    void spawn(std::vector<std::string> argv);
    void start_reading(Stream &stream, otto_event_kind_t kind);
    void on_data(Stream &stream, otto_event_kind_t kind, ssize_t nread, const uv_buf_t *buf);
    void take_data(Stream &stream, otto_event_kind_t kind, ssize_t nread, const uv_buf_t *buf);
    // An exception while taking output (out of memory): the command ends.
    void lose_to(Error failure);
    void on_exit(int64_t status, int signal);
    void maybe_finish();
    void start_eof_grace();
    void finish();
    void fail_to_start(const std::string &message);

    uv_loop_t *loop_;
    OneshotSpec spec_;
    OneshotLineSink line_sink_;
    Done done_;
    std::shared_ptr<void> hold_;
    std::shared_ptr<LocalOneshot> keep_alive_;

    UvHandle<uv_process_t> process_;
    Stream out_;
    Stream err_;
    Timer timeout_;
    Timer grace_;
    Deferred deferred_;
    Clock::time_point started_;
    pid_t pid_ = 0;
    bool exited_ = false;
    bool timed_out_ = false;
    bool finished_ = false;
    bool paused_ = false;  // pause_output(): the pipes are not read
    Error failure_;        // lose_to(): the op fails with it
    int64_t exit_status_ = 0;
    int term_signal_ = 0;
    char read_buffer_[64 * 1024];
};

}  // namespace otto
