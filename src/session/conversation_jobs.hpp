// send() and expect() (SESSION-PROTOCOL §9): raw bytes in, raw bytes out,
// for driving interactive programs.
#pragma once

#include <string>

#include "session/job.hpp"
#include "session/pattern.hpp"

namespace otto {

class SendJob final : public Job {
public:
    SendJob(std::shared_ptr<Operation> op, std::string bytes) : Job(std::move(op)), bytes_(std::move(bytes)) {}
    void start(Session &session) override;

private:
    std::string bytes_;
};

class ExpectJob final : public Job {
public:
    ExpectJob(std::shared_ptr<Operation> op, Pattern pattern, double timeout)
        : Job(std::move(op)), pattern_(std::move(pattern)), timeout_(timeout) {}
    void start(Session &session) override;

private:
    Pattern pattern_;
    double timeout_;
};

}  // namespace otto
