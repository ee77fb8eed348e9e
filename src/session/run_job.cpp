#include "session/run_job.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/host.hpp"
#include "session/session.hpp"

namespace otto {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}

RunJob::RunJob(std::shared_ptr<Operation> op, std::vector<CommandItem> items, RunSettings settings)
    : Job(std::move(op)), items_(std::move(items)), settings_(std::move(settings)) {}

void RunJob::start(Session &session) {
    results_.assign(items_.size(), std::nullopt);
    Host &host = session.host();

    // §4.3 and §10: refused commands are never sent, and the check runs
    // before any shell is started (so before it has a token: only the
    // length matters, and drawing one per command cost a system call).
    LineLimit limit = host.backend().line_limit();
    for (size_t i = 0; i < items_.size(); ++i) {
        if (auto reason = refusal_reason(items_[i].command, Token::placeholder(), limit))
            results_[i] = unsent_result(items_[i].command, OTTO_STATUS_ERROR, *reason);
    }

    if (host.dry_run()) {
        for (size_t i = 0; i < items_.size(); ++i) {
            if (results_[i]) continue;
            session.log_command("[dry run] " + items_[i].command);
            results_[i] = unsent_result(items_[i].command, OTTO_STATUS_NOTRUN, "dry run: not executed");
        }
        finish(session);
        return;
    }

    bool anything_to_send = std::any_of(results_.begin(), results_.end(), [](auto &r) { return !r; });
    if (!anything_to_send) {
        finish(session);
        return;
    }
    auto self = std::static_pointer_cast<RunJob>(shared_from_this());
    session.ensure_ready([self, &session](Error error) {
        if (self->op().done()) return;
        if (error) {
            if (error.code == OTTO_EDEAD) {
                self->fail_remaining("session is dead");
                self->finish(session);
            } else {
                self->op().complete(error.code, error.message);
                session.job_finished(*self);
            }
            return;
        }
        // Connect and handshake never consume the budget (§3.9, §16.3).
        self->budget_started_ = true;
        self->budget_start_ = Clock::now();
        self->run_next(session);
    });
}

void RunJob::run_next(Session &session) {
    while (next_ < items_.size() && results_[next_]) ++next_;
    if (next_ >= items_.size()) {
        finish(session);
        return;
    }
    const CommandItem &item = items_[next_];
    double remaining = kInfinity;
    if (settings_.budget) remaining = *settings_.budget - seconds_since(budget_start_);
    if (remaining <= 0) {
        // §16.3: NotRun, not Skipped, so an unexecuted command cannot pass.
        for (size_t i = next_; i < items_.size(); ++i) {
            if (!results_[i])
                results_[i] = unsent_result(items_[i].command, OTTO_STATUS_NOTRUN,
                                            "skipped: cumulative timeout budget exhausted", true);
        }
        finish(session);
        return;
    }
    double own = item.timeout.value_or(settings_.budget ? remaining : session.host().config().command_timeout);
    CommandSpec spec;
    spec.command = item.command;
    spec.timeout = std::min(own, remaining);
    spec.expects = item.expects ? &*item.expects : &settings_.expects;
    spec.retain_limit = settings_.retain_limit;

    session.log_command(item.command);
    auto self = std::static_pointer_cast<RunJob>(shared_from_this());
    session.shell()->run(spec,
                         [self, &session](CommandResult result) { self->after_command(session, std::move(result)); });
}

void RunJob::on_output_line(Session &session, std::string_view line) {
    if (!op().wants_events()) return;
    op().emit_event(OTTO_EVENT_OUTPUT_LINE, line, next_);
    if (op().events_backlogged()) {
        // App-mode dispatch is behind: stop reading until it catches up.
        Shell *shell = session.shell();
        shell->pause_input();
        std::weak_ptr<Job> weak = weak_from_this();
        op().when_events_drained([weak, &session, shell] {
            if (weak.expired() || session.shell() != shell) return;
            shell->resume_input();
        });
    }
}

void RunJob::after_command(Session &session, CommandResult result) {
    if (result.op_error != OTTO_OK) {
        // The command could not be followed (out of memory): the op fails.
        op().complete(result.op_error, std::move(result.output));
        session.job_finished(*this);
        return;
    }
    results_[next_] = std::move(result);
    ++next_;
    Shell *shell = session.shell();
    if (shell != nullptr && shell->alive()) {
        run_next(session);
        return;
    }
    // The shell died under this command (§16.4).
    bool more =
        std::any_of(results_.begin() + static_cast<std::ptrdiff_t>(next_), results_.end(), [](auto &r) { return !r; });
    if (!more) {
        finish(session);
        return;
    }
    auto self = std::static_pointer_cast<RunJob>(shared_from_this());
    if (session.is_default())
        session.host().log(OTTO_LOG_WARNING, OTTO_LOG_KIND_WARNING, session.name(),
                           "the shell died during a command list; continuing on a fresh shell");
    session.ensure_ready([self, &session](Error error) {
        if (self->op().done()) return;
        if (error) {
            self->fail_remaining(error.code == OTTO_EDEAD ? "session is dead" : error.message);
            self->finish(session);
            return;
        }
        self->run_next(session);
    });
}

void RunJob::fail_remaining(const std::string &output) {
    for (size_t i = 0; i < items_.size(); ++i)
        if (!results_[i]) results_[i] = unsent_result(items_[i].command, OTTO_STATUS_ERROR, output);
}

void RunJob::finish(Session &session) {
    auto result = std::make_shared<RunResult>();
    for (auto &r : results_) result->commands.push_back(std::move(*r));
    result->status = aggregate_status(result->commands);
    op().complete_ok(std::shared_ptr<const RunResult>(std::move(result)));
    session.job_finished(*this);
}

}  // namespace otto
