// Internal error values and the exception used to carry an API error from
// deep inside a synchronous call up to the C boundary.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace otto {

// An error code (an OTTO_E* value) and a message for humans. A default
// Error means "no error".
struct Error {
    int code = 0;
    std::string message;

    Error() = default;
    Error(int c, std::string m) : code(c), message(std::move(m)) {}
    explicit operator bool() const { return code != 0; }
};

// Thrown by validation code; every C entry point catches it and turns it
// into a return code plus the thread's last error.
class ApiError : public std::runtime_error {
public:
    ApiError(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

[[noreturn]] inline void fail(int code, const std::string &message) { throw ApiError(code, message); }

}  // namespace otto
