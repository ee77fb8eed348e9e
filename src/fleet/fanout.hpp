// A fan-out: one operation started on many hosts, at most `limit` at a time,
// each host's op observed to its end; one host's failure never touches
// another (reference 000: run_on_all_hosts, do_for_all_hosts). Loop thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fleet/fanout_result.hpp"
#include "loop/operation.hpp"
#include "util/error.hpp"

struct otto_host;

namespace otto::fleet {

// A selected host: its handle, or why it cannot be used.
struct FanoutTarget {
    std::string id;
    std::shared_ptr<otto_host> host;
    Error error;
};

// Starts the operation on one host and reports its op through `started`,
// on the loop thread, exactly once (possibly later).
using HostStarter = std::function<void(const std::shared_ptr<otto_host> &host,
                                       std::function<void(std::shared_ptr<Operation>)> started)>;

class Fanout : public std::enable_shared_from_this<Fanout> {
public:
    // `limit` 0: no limit.
    Fanout(std::shared_ptr<Operation> op, std::string lab, std::vector<FanoutTarget> targets, size_t limit,
           HostStarter starter);

    void start();

private:
    struct Slot {
        FanoutTarget target;
        std::shared_ptr<Operation> op;  // once started
        bool finished = false;
    };

    void start_more();
    void start_slot(size_t index);
    void slot_started(size_t index, std::shared_ptr<Operation> op);
    void slot_finished(size_t index);
    // Ends a slot that never got an op of its own.
    void fail_slot(size_t index, int code, std::string message);
    void cancel();
    void finish_if_done();

    const std::shared_ptr<Operation> op_;
    const std::string lab_;
    const size_t limit_;
    const HostStarter starter_;
    std::vector<Slot> slots_;
    size_t next_ = 0;
    size_t running_ = 0;
    size_t finished_ = 0;
    bool canceled_ = false;
};

}  // namespace otto::fleet
