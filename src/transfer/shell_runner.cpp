#include "transfer/shell_runner.hpp"

#include <utility>

namespace otto {

// The backend's handle plus whether the one-shot is over for us (finished,
// canceled, or stopped by shutdown).
class ShellRunner::Tracked final : public OneshotHandle {
public:
    void cancel() override {
        if (over) return;
        over = true;
        auto running = std::move(inner);
        if (running) running->cancel();
    }
    std::shared_ptr<OneshotHandle> inner;
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
    std::erase_if(running_, [](const auto &w) { return w.expired(); });
    running_.push_back(tracked);
    // The line sink goes quiet once the one-shot is over for us, whatever
    // the backend still delivers.
    std::weak_ptr<Tracked> weak = tracked;
    auto guarded_lines = [weak, lines = std::move(lines)](otto_event_kind_t stream, std::string_view line) {
        auto t = weak.lock();
        if (t && !t->over && lines) lines(stream, line);
    };
    // The completion holds the handle: nothing else needs to, and it goes
    // when the backend drops the callback (done or canceled).
    auto finished = [this, tracked, done = std::move(done)](CommandResult result) mutable {
        if (tracked->over) return;
        tracked->finished = true;
        tracked->inner.reset();
        deferred_.call([tracked, done = std::move(done), result = std::move(result)]() mutable {
            if (tracked->over) return;
            tracked->over = true;
            done(std::move(result));
        });
    };
    auto inner = backend_.run_oneshot(spec, std::move(guarded_lines), std::move(finished));
    // Only if it has not already finished (a refusal reports at once).
    if (!tracked->finished && !tracked->over) tracked->inner = std::move(inner);
    return tracked;
}

void ShellRunner::post(std::function<void()> fn) {
    deferred_.call([this, fn = std::move(fn)] {
        if (!shut_down_) fn();
    });
}

void ShellRunner::shutdown() {
    shut_down_ = true;
    auto running = std::move(running_);
    running_.clear();
    for (auto &weak : running)
        if (auto t = weak.lock()) t->cancel();
}

}  // namespace otto
