// The local host's files: the file system itself, every call on libuv's
// thread pool so a slow disk never holds the loop. Transfers copy in blocks,
// one pool job per block, reporting progress between blocks and stopping
// there when canceled.
#pragma once

#include <uv.h>

#include <memory>

#include "transfer/remote_files.hpp"

namespace otto {

std::unique_ptr<RemoteFiles> make_local_files(uv_loop_t *loop);

}  // namespace otto
