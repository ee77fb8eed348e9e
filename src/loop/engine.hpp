// The engine behind an otto_context: the loop thread, the dispatcher, the
// log, and the registry of everything that must close when the context goes.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "loop/dispatcher.hpp"
#include "loop/event_loop.hpp"
#include "loop/slot_gate.hpp"
#include "otto.h"

namespace otto {

class Operation;

// Something the engine closes on shutdown (a host). shutdown() runs on the
// loop thread and must call `done` once all of its I/O has ended.
class Closable {
public:
    virtual ~Closable() = default;
    virtual void shutdown(std::function<void()> done) = 0;
};

struct EngineOptions {
    DispatchMode dispatch = DispatchMode::App;
    bool dry_run = false;
    otto_log_cb log_callback = nullptr;
    void *log_user_data = nullptr;
    int log_level = OTTO_LOG_INFO;
    size_t log_queue_capacity = 0;  // 0: no queue for otto_context_next_log
    size_t handshake_limit = 64;    // SSH handshakes at once; 0: no limit
};

class Engine : public std::enable_shared_from_this<Engine> {
public:
    explicit Engine(EngineOptions options);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    void start();
    const EngineOptions &options() const { return options_; }
    Dispatcher &dispatcher() { return dispatcher_; }
    // Loop thread: the context's SSH connections wait here to start their
    // handshakes (EngineOptions::handshake_limit at once).
    const std::shared_ptr<SlotGate> &handshakes() const { return handshakes_; }
    uv_loop_t *uv() { return loop_.uv(); }
    bool on_loop_thread() const { return loop_.on_loop_thread(); }

    // Runs `task` on the loop thread. False once the context is closing.
    bool post(std::function<void()> task) { return loop_.post(std::move(task)); }

    // Blocking (never on the loop thread): cancels all work, closes every
    // registered Closable, stops and joins the loop thread.
    void shutdown();
    // True once shutdown() has begun (any thread).
    bool closed() const { return loop_.stopping(); }

    // Any thread.
    void register_closable(const std::shared_ptr<Closable> &closable);
    void track(const std::shared_ptr<Operation> &op);
    void untrack(const Operation *op);

    // Loop thread: work that outlives its owner (a transport still closing).
    // Shutdown waits until every token is released.
    std::shared_ptr<void> hold();

    // Loop thread: a log entry, filtered by level and delivered like any
    // other callback.
    void log(int level, int kind, std::string_view host, std::string_view session, std::string_view text);
    bool logs(int level) const {
        return (options_.log_callback != nullptr || dispatcher_.keeps_log()) && level >= options_.log_level;
    }

private:
    void shutdown_on_loop(std::function<void()> finished);
    void release_hold();

    const EngineOptions options_;
    Dispatcher dispatcher_;
    std::shared_ptr<SlotGate> handshakes_;
    EventLoop loop_;

    std::mutex registry_mutex_;
    std::vector<std::weak_ptr<Closable>> closables_;
    std::unordered_map<const Operation *, std::weak_ptr<Operation>> pending_ops_;

    // Loop thread only.
    size_t holds_ = 0;
    std::function<void()> when_released_;
};

}  // namespace otto
