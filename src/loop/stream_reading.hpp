// Reading a libuv stream into a buffer its owner holds. The stream's
// handle->data points at the owner (nullptr once the handle is being
// closed); each read goes to the owner's handler.
#pragma once

#include <uv.h>

namespace otto {

// Buffer: a pointer to the owner's char array member; OnRead: a pointer to
// its `void on_read(ssize_t, const uv_buf_t *)`. Returns uv_read_start's code.
template <class Owner, auto Buffer, auto OnRead>
int start_stream_reading(uv_stream_t *stream) {
    return uv_read_start(
        stream,
        [](uv_handle_t *handle, size_t, uv_buf_t *buf) {
            auto *owner = static_cast<Owner *>(handle->data);
            *buf = uv_buf_init(owner->*Buffer, sizeof(owner->*Buffer));
        },
        [](uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
            if (auto *owner = static_cast<Owner *>(s->data)) (owner->*OnRead)(nread, buf);
        });
}

}  // namespace otto
