#include "session/conversation_jobs.hpp"

#include "host/host.hpp"
#include "session/session.hpp"

namespace otto {

void SendJob::start(Session &session) {
    session.log_command(bytes_);
    if (session.host().dry_run()) {
        op().complete_ok({});
        session.job_finished(*this);
        return;
    }
    auto self = std::static_pointer_cast<SendJob>(shared_from_this());
    session.ensure_ready([self, &session](Error error) {
        if (self->op().done()) return;
        if (error) {
            self->op().complete(error.code, error.message);
            session.job_finished(*self);
            return;
        }
        session.shell()->send(std::move(self->bytes_), [self, &session](Error sent) {
            if (sent) self->op().complete(sent.code, sent.message);
            else self->op().complete_ok({});
            session.job_finished(*self);
        });
    });
}

void ExpectJob::start(Session &session) {
    if (session.host().dry_run()) {
        op().complete(OTTO_ENOTRUN, "dry run: expect \"" + pattern_.source() + "\" was not run");
        session.job_finished(*this);
        return;
    }
    auto self = std::static_pointer_cast<ExpectJob>(shared_from_this());
    // A dead shell is not replaced for an expect: what it waited for is gone.
    session.ensure_ready(
        [self, &session](Error error) {
            if (self->op().done()) return;
            if (error) {
                self->op().complete(error.code, error.message);
                session.job_finished(*self);
                return;
            }
            session.shell()->expect(self->pattern_, self->timeout_, [self, &session](std::string match, Error e) {
                if (e) self->op().complete(e.code, e.message);
                else self->op().complete_ok(std::move(match));
                session.job_finished(*self);
            });
        },
        false);
}

}  // namespace otto
