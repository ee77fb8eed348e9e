// Work that may block (local file system calls) run on libuv's thread pool,
// with its continuation back on the loop thread. The loop stays free while
// a disk is slow.
#pragma once

#include <uv.h>

#include <functional>

namespace otto {

// Runs `work` on a pool thread, then `after` on the loop thread. Both are
// always run (libuv cannot cancel work that has started; `after` decides
// whether anyone still cares).
void queue_pool_work(uv_loop_t *loop, std::function<void()> work, std::function<void()> after);

}  // namespace otto
