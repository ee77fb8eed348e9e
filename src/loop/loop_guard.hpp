// Work the loop thread does for the application runs guarded: an exception
// it throws (std::bad_alloc above all, a command's output outgrowing the
// memory there is) must not unwind into libuv, where it would end the
// process. It becomes an error for the op the work serves: OTTO_ENOMEM for
// want of memory, OTTO_EINTERNAL for anything else.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "otto.h"
#include "util/error.hpp"

namespace otto {

// Runs `work`; returns the failure it threw, or no error. Building the
// error allocates little ("out of memory" needs no heap at all), and a
// failure to build it still gives the code.
template <class Work>
Error catch_failure(Work &&work) noexcept {
    try {
        work();
        return Error();
    } catch (const std::bad_alloc &) {
        return Error(OTTO_ENOMEM, "out of memory");
    } catch (const std::exception &e) {
        try {
            return Error(OTTO_EINTERNAL, std::string("internal error: ") + e.what());
        } catch (...) {
            return Error(OTTO_EINTERNAL, {});
        }
    } catch (...) {
        return Error(OTTO_EINTERNAL, "internal error");
    }
}

}  // namespace otto
