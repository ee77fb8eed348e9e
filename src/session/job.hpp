// A unit of work a Session runs for one op: a run list, a send or an expect.
// Jobs run one at a time, in submission order (SESSION-PROTOCOL §15).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "loop/operation.hpp"

namespace otto {

class Session;

class Job : public std::enable_shared_from_this<Job> {
public:
    explicit Job(std::shared_ptr<Operation> op) : op_(std::move(op)) {}
    virtual ~Job() = default;
    Job(const Job &) = delete;
    Job &operator=(const Job &) = delete;

    Operation &op() const { return *op_; }
    const std::shared_ptr<Operation> &op_ptr() const { return op_; }

    // Starts the job; it calls session.job_finished(*this) once its op is
    // complete.
    virtual void start(Session &session) = 0;

    // A line of output of the command this job is running.
    virtual void on_output_line(Session &, std::string_view) {}

private:
    std::shared_ptr<Operation> op_;
};

}  // namespace otto
