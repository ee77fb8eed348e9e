// At most a given number of holders at once; the others wait their turn in
// the order they asked. Loop thread only. A context keeps one for SSH
// handshakes: hundreds of connections that all start their key exchange at
// once queue up inside the servers (sshd spends ~20 ms of CPU on each), and
// the last ones run out their deadlines there; waiting here, a connection's
// deadlines have not started yet.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>

namespace otto {

class SlotGate : public std::enable_shared_from_this<SlotGate> {
public:
    // A held slot: destroying it lets the next waiter in.
    class Slot {
    public:
        explicit Slot(std::weak_ptr<SlotGate> gate) : gate_(std::move(gate)) {}
        ~Slot();
        Slot(const Slot &) = delete;
        Slot &operator=(const Slot &) = delete;

    private:
        std::weak_ptr<SlotGate> gate_;
    };
    using Granted = std::function<void(std::unique_ptr<Slot>)>;

    // 0: no limit.
    explicit SlotGate(size_t limit) : limit_(limit) {}

    // Calls `granted` with a slot once one is free: before returning when
    // one is, else when a holder lets go. A waiter that no longer wants the
    // slot drops it (the next one then gets it).
    void acquire(Granted granted);

    size_t held() const { return held_; }
    size_t waiting() const { return waiting_.size(); }

private:
    void release();

    size_t limit_;
    size_t held_ = 0;
    std::deque<Granted> waiting_;
};

}  // namespace otto
