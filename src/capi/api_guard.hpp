// The C boundary: every entry point runs its body through guarded(), which
// turns any C++ exception into an error code and the thread's last error.
// No exception ever crosses into C.
#pragma once

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "otto.h"
#include "util/error.hpp"

namespace otto {

void set_last_error(int code, std::string message);

template <class Body>
int guarded(Body &&body) noexcept {
    try {
        return body();
    } catch (const ApiError &e) {
        set_last_error(e.code(), e.what());
        return e.code();
    } catch (const std::bad_alloc &) {
        set_last_error(OTTO_ENOMEM, "out of memory");
        return OTTO_ENOMEM;
    } catch (const std::exception &e) {
        set_last_error(OTTO_EINTERNAL, std::string("internal error: ") + e.what());
        return OTTO_EINTERNAL;
    } catch (...) {
        set_last_error(OTTO_EINTERNAL, "internal error: unknown exception");
        return OTTO_EINTERNAL;
    }
}

// Throws OTTO_EINVAL naming the argument when `pointer` is null.
template <class T>
T *require(T *pointer, const char *name) {
    if (pointer == nullptr) fail(OTTO_EINVAL, std::string(name) + " must not be NULL");
    return pointer;
}

void require_timeout(double seconds, const char *what);

// Gives the caller a malloc'd copy of `text` (freed by otto_string_free).
inline int hand_out(char **out, const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy == nullptr) fail(OTTO_ENOMEM, "out of memory");
    std::memcpy(copy, text.c_str(), text.size() + 1);
    *out = copy;
    return OTTO_OK;
}

}  // namespace otto
