#include "loop/engine.hpp"

#include <utility>

#include "loop/operation.hpp"
#include "loop/records.hpp"

namespace otto {

Engine::Engine(EngineOptions options)
    : options_(options), dispatcher_(options.dispatch, options.log_queue_capacity),
      handshakes_(std::make_shared<SlotGate>(options.handshake_limit)) {}

Engine::~Engine() = default;

void Engine::start() { loop_.start(); }

void Engine::register_closable(const std::shared_ptr<Closable> &closable) {
    std::lock_guard lock(registry_mutex_);
    std::erase_if(closables_, [](const std::weak_ptr<Closable> &c) { return c.expired(); });
    closables_.push_back(closable);
}

void Engine::track(const std::shared_ptr<Operation> &op) {
    std::lock_guard lock(registry_mutex_);
    pending_ops_[op.get()] = op;
}

void Engine::untrack(const Operation *op) {
    std::lock_guard lock(registry_mutex_);
    pending_ops_.erase(op);
}

void Engine::shutdown() {
    loop_.stop([this](std::function<void()> finished) { shutdown_on_loop(std::move(finished)); });
}

void Engine::shutdown_on_loop(std::function<void()> finished) {
    std::vector<std::shared_ptr<Closable>> live;
    {
        std::lock_guard lock(registry_mutex_);
        for (auto &weak : closables_)
            if (auto c = weak.lock()) live.push_back(std::move(c));
        closables_.clear();
    }
    // Every closable reports back once; the last report cancels whatever op
    // is still pending (each completes exactly once) and ends the loop.
    auto remaining = std::make_shared<size_t>(live.size() + 1);
    auto one_done = [this, remaining, finished = std::move(finished)] {
        if (--*remaining != 0) return;
        std::vector<std::shared_ptr<Operation>> ops;
        {
            std::lock_guard lock(registry_mutex_);
            for (auto &[raw, weak] : pending_ops_)
                if (auto op = weak.lock()) ops.push_back(std::move(op));
            pending_ops_.clear();
        }
        for (auto &op : ops) op->complete(OTTO_ECANCELED, "the context was freed");
        if (holds_ == 0) {
            finished();
        } else {
            when_released_ = finished;
        }
    };
    for (auto &c : live) c->shutdown(one_done);
    one_done();
}

std::shared_ptr<void> Engine::hold() {
    ++holds_;
    std::weak_ptr<Engine> weak = weak_from_this();
    return std::shared_ptr<void>(nullptr, [weak](void *) {
        if (auto engine = weak.lock()) engine->release_hold();
    });
}

void Engine::release_hold() {
    if (--holds_ == 0 && when_released_) {
        auto finished = std::move(when_released_);
        when_released_ = nullptr;
        finished();
    }
}

void Engine::log(int level, int kind, std::string_view host, std::string_view session, std::string_view text) {
    if (!logs(level)) return;
    otto_log_entry entry{level, kind, std::string(host), std::string(session), std::string(text)};
    if (options_.log_callback != nullptr) {
        auto shared = std::make_shared<otto_log_entry>(entry);
        dispatcher_.deliver(
            [cb = options_.log_callback, ud = options_.log_user_data, shared] { cb(shared.get(), ud); });
    }
    dispatcher_.push_log(std::move(entry));
}

}  // namespace otto
