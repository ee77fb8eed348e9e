// Owning wrappers for the C handles the command uses: each freed once, by the
// function the header pairs with it.
#pragma once

#include <memory>

#include "otto.h"

namespace otto_cli {

template <class T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const { Free(p); }
};

inline void free_context(otto_context *ctx) { otto_context_free(ctx); }

using ContextPtr = std::unique_ptr<otto_context, Deleter<otto_context, free_context>>;
using OpPtr = std::unique_ptr<otto_op, Deleter<otto_op, otto_op_free>>;
using RunOptsPtr = std::unique_ptr<otto_run_opts, Deleter<otto_run_opts, otto_run_opts_free>>;
using CommandsPtr = std::unique_ptr<otto_commands, Deleter<otto_commands, otto_commands_free>>;
using FanoutOptsPtr = std::unique_ptr<otto_fanout_opts, Deleter<otto_fanout_opts, otto_fanout_opts_free>>;
using TransferOptsPtr = std::unique_ptr<otto_transfer_opts, Deleter<otto_transfer_opts, otto_transfer_opts_free>>;
using ContextOptsPtr = std::unique_ptr<otto_context_opts, Deleter<otto_context_opts, otto_context_opts_free>>;

inline void free_string(char *s) { otto_string_free(s); }
using StringPtr = std::unique_ptr<char, Deleter<char, free_string>>;

}  // namespace otto_cli
