// A context and a host of the parameter's kind for each test.
#pragma once

#include "host_kinds.hpp"
#include "otto_test.hpp"

namespace otto_test {

class SessionTest : public ::testing::TestWithParam<HostKind> {
protected:
    void SetUp() override {
        ctx_ = make_context();
        host_ = make_host(ctx_.get(), GetParam());
    }
    void TearDown() override {
        host_.reset();
        ctx_.reset();
    }
    otto_host *host() { return host_.get(); }
    otto_context *ctx() { return ctx_.get(); }
    const HostKind &kind() const { return GetParam(); }
    // Whether the session's shell is bash, asked of the shell itself (a
    // login shell is whatever the user has).
    bool shell_is_bash() { return run(host(), "echo ${BASH_VERSION:+bash}").only().output == "bash"; }

    Context ctx_;
    Host host_;
};

#define OTTO_SESSION_SUITE(Suite) \
    INSTANTIATE_TEST_SUITE_P(HostKinds, Suite, ::testing::ValuesIn(all_host_kinds()), kind_name)

}  // namespace otto_test
