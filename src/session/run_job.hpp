// run(): a list of commands on one session (SESSION-PROTOCOL §16): refusals
// up front, a cumulative budget, per-command timeouts and expects, and a
// result for every command whatever happens to the shell.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "session/job.hpp"
#include "session/result.hpp"
#include "session/shell.hpp"
#include "util/clock.hpp"

namespace otto {

struct CommandItem {
    std::string command;
    std::optional<double> timeout;
    std::optional<std::vector<Expect>> expects;  // unset: the run-level ones
};

struct RunSettings {
    std::optional<double> budget;  // the run-level timeout
    std::vector<Expect> expects;
    uint64_t retain_limit = CommandReader::kDefaultRetainLimit;
};

class RunJob final : public Job {
public:
    RunJob(std::shared_ptr<Operation> op, std::vector<CommandItem> items, RunSettings settings);

    void start(Session &session) override;
    void on_output_line(Session &session, std::string_view line) override;

private:
    void run_next(Session &session);
    void after_command(Session &session, CommandResult result);
    void fail_remaining(const std::string &output);
    void finish(Session &session);

    std::vector<CommandItem> items_;
    RunSettings settings_;
    std::vector<std::optional<CommandResult>> results_;
    size_t next_ = 0;
    bool budget_started_ = false;
    Clock::time_point budget_start_{};
};

}  // namespace otto
