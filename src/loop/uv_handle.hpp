// RAII ownership of a libuv handle. libuv needs a handle's memory until its
// close callback has run, so the owner's destructor starts uv_close() and the
// memory goes in that callback. Only ever used on the loop thread.
#pragma once

#include <uv.h>

#include <utility>

namespace otto {

template <class T>
class UvHandle {
public:
    UvHandle() : handle_(new T{}) {}
    ~UvHandle() { reset(); }
    UvHandle(const UvHandle &) = delete;
    UvHandle &operator=(const UvHandle &) = delete;
    UvHandle(UvHandle &&other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)), initialized_(std::exchange(other.initialized_, false)) {}

    T *get() const { return handle_; }
    uv_handle_t *base() const { return reinterpret_cast<uv_handle_t *>(handle_); }
    uv_stream_t *stream() const { return reinterpret_cast<uv_stream_t *>(handle_); }

    // Call after the uv_*_init that succeeded, so that reset() knows to close.
    void mark_initialized() { initialized_ = true; }
    bool initialized() const { return initialized_; }

    // Closes the handle (its callbacks never run again) and drops it.
    void reset() {
        if (handle_ == nullptr) return;
        T *h = std::exchange(handle_, nullptr);
        auto *base_handle = reinterpret_cast<uv_handle_t *>(h);
        base_handle->data = nullptr;
        if (std::exchange(initialized_, false)) {
            if (!uv_is_closing(base_handle)) {
                uv_close(base_handle, [](uv_handle_t *closed) { delete reinterpret_cast<T *>(closed); });
            }
        } else {
            delete h;
        }
    }

private:
    T *handle_;
    bool initialized_ = false;
};

}  // namespace otto
