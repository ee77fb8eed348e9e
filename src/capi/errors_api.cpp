// Version, error codes, the thread-local last error, and string release.
#include <cmath>
#include <cstdlib>
#include <string>

#include "capi/api_guard.hpp"
#include "otto.h"

namespace otto {

namespace {
struct LastError {
    int code = OTTO_OK;
    std::string message;
};
thread_local LastError last_error;
}  // namespace

void set_last_error(int code, std::string message) {
    last_error.code = code;
    last_error.message = std::move(message);
}

void require_timeout(double seconds, const char *what) {
    if (std::isnan(seconds) || seconds <= 0)
        fail(OTTO_EINVAL, std::string(what) + " must be a positive number of seconds (INFINITY allowed), got " +
                              std::to_string(seconds));
}

}  // namespace otto

extern "C" {

const char *otto_version(int32_t *major, int32_t *minor, int32_t *patch) {
    if (major) *major = OTTO_VERSION_MAJOR;
    if (minor) *minor = OTTO_VERSION_MINOR;
    if (patch) *patch = OTTO_VERSION_PATCH;
    return OTTO_VERSION_STRING;
}

int otto_version_check(uint32_t header_version) {
    uint32_t header_major = header_version >> 16;
    if (header_major != OTTO_VERSION_MAJOR || header_version > OTTO_VERSION_NUMBER) {
        otto::set_last_error(OTTO_EVERSION, "the program was built against otto " + std::to_string(header_major) + "." +
                                                std::to_string((header_version >> 8) & 0xff) + "." +
                                                std::to_string(header_version & 0xff) + " but the library is " +
                                                OTTO_VERSION_STRING);
        return OTTO_EVERSION;
    }
    return OTTO_OK;
}

const char *otto_strerror(int code) {
    switch (code) {
        case OTTO_OK: return "success";
        case OTTO_EINVAL: return "invalid argument";
        case OTTO_ENOTFOUND: return "not found";
        case OTTO_ETIMEDOUT: return "timed out";
        case OTTO_ECANCELED: return "canceled";
        case OTTO_EAUTH: return "authentication failed";
        case OTTO_EHOSTKEY: return "host key mismatch";
        case OTTO_ECONNECT: return "connection failed";
        case OTTO_ECLOSED: return "closed";
        case OTTO_EBUSY: return "busy";
        case OTTO_EDEADLK: return "would deadlock: blocking call on the loop thread";
        case OTTO_EABORT: return "aborted by a callback";
        case OTTO_ENOMEM: return "out of memory";
        case OTTO_EVERSION: return "version mismatch";
        case OTTO_EINTERNAL: return "internal error";
        case OTTO_EPARSE: return "parse error";
        case OTTO_ELABNOTFOUND: return "lab not found";
        case OTTO_EDEAD: return "session is dead";
        case OTTO_EIO: return "transport lost";
        case OTTO_EHANDSHAKE: return "shell never became ready";
        case OTTO_ENOTRUN: return "not run (dry run)";
        case OTTO_ENOTSUP: return "not supported";
        case OTTO_ERESERVATION: return "missing reservation";
        case OTTO_ERESBACKEND: return "reservations unavailable";
        case OTTO_EPENDING: return "operation pending";
        case OTTO_EPERM: return "permission denied";
        case OTTO_EFILE: return "file operation failed";
        default: return "unknown error";
    }
}

int otto_last_error(void) { return otto::last_error.code; }

const char *otto_last_error_message(void) { return otto::last_error.message.c_str(); }

void otto_last_error_clear(void) { otto::set_last_error(OTTO_OK, {}); }

void otto_string_free(char *str) { std::free(str); }

}  // extern "C"
