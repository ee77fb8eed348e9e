#include "transfer/shell_runner.hpp"

#include <utility>

namespace otto {

// A one-shot of the runner: waiting for a slot, then the backend's handle;
// over once finished, canceled, or stopped by shutdown.
class ShellRunner::Tracked final : public OneshotHandle {
public:
    void cancel() override {
        if (over) return;
        over = true;
        auto running = std::move(inner);
        if (running) running->cancel();
        if (runner != nullptr) runner->release(*this);
    }
    // Transfers read their one-shots' output whole: nothing to push back on.
    void pause_output() override {}
    void resume_output() override {}
    ShellRunner *runner = nullptr;  // null once released or the runner is gone
    OneshotSpec spec;
    OneshotLineSink lines;
    Done done;
    std::shared_ptr<OneshotHandle> inner;
    bool started = false;
    bool finished = false;  // the backend reported; the report is on its way
    bool over = false;
};

ShellRunner::ShellRunner(uv_loop_t *loop, HostBackend &backend, std::string where)
    : backend_(backend), where_(std::move(where)), deferred_(loop) {}

ShellRunner::~ShellRunner() { shutdown(); }

std::shared_ptr<OneshotHandle> ShellRunner::run(const OneshotSpec &spec, OneshotLineSink lines, Done done) {
    auto tracked = std::make_shared<Tracked>();
    if (shut_down_) {
        tracked->over = true;
        return tracked;
    }
    tracked->spec = spec;
    tracked->lines = std::move(lines);
    tracked->done = std::move(done);
    std::erase_if(running_, [](const auto &w) { return w.expired(); });
    running_.push_back(tracked);
    waiting_.push_back(tracked);
    pump();
    return tracked;
}

void ShellRunner::pump() {
    while (active_ < kAtOnce && !waiting_.empty() && !shut_down_) {
        auto next = std::move(waiting_.front());
        waiting_.pop_front();
        if (!next->over) start(next);
    }
}

void ShellRunner::release(Tracked &tracked) {
    if (tracked.runner != this) return;
    tracked.runner = nullptr;
    if (!tracked.started) return;
    --active_;
    // Not from inside the backend's callback or the canceler's call.
    deferred_.call([this] { pump(); });
}

void ShellRunner::start(const std::shared_ptr<Tracked> &tracked) {
    ++active_;
    tracked->started = true;
    tracked->runner = this;
    // The line sink goes quiet once the one-shot is over for us, whatever
    // the backend still delivers.
    std::weak_ptr<Tracked> weak = tracked;
    auto guarded_lines = [weak](otto_event_kind_t stream, std::string_view line) {
        auto t = weak.lock();
        if (t && !t->over && t->lines) t->lines(stream, line);
    };
    // The completion holds the handle: nothing else needs to, and it goes
    // when the backend drops the callback (done or canceled).
    auto finished = [this, tracked](CommandResult result) mutable {
        if (tracked->over) return;
        tracked->finished = true;
        tracked->inner.reset();
        release(*tracked);
        deferred_.call([tracked, result = std::move(result)]() mutable {
            if (tracked->over) return;
            tracked->over = true;
            auto done = std::move(tracked->done);
            done(std::move(result));
        });
    };
    auto inner = backend_.run_oneshot(tracked->spec, std::move(guarded_lines), std::move(finished));
    // Only if it has not already finished (a refusal reports at once).
    if (!tracked->finished && !tracked->over) tracked->inner = std::move(inner);
}

void ShellRunner::post(std::function<void()> fn) {
    deferred_.call([this, fn = std::move(fn)] {
        if (!shut_down_) fn();
    });
}

void ShellRunner::shutdown() {
    shut_down_ = true;
    waiting_.clear();
    auto running = std::move(running_);
    running_.clear();
    for (auto &weak : running) {
        if (auto t = weak.lock()) {
            t->runner = nullptr;  // nothing to give back any more
            t->cancel();
        }
    }
}

}  // namespace otto
