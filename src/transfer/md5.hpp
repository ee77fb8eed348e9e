// MD5 of bytes as they stream, to compare with what md5sum prints on the
// host. Not for security: only to catch bytes damaged or lost in transit.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace otto {

class Md5 {
public:
    Md5();
    ~Md5();
    Md5(Md5 &&) noexcept;
    Md5 &operator=(Md5 &&) noexcept;

    void update(std::string_view data);
    // The digest in lower-case hex, as md5sum prints it; ends the hashing.
    // Empty if this OpenSSL cannot compute MD5 (FIPS mode).
    std::string hex_digest();

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

}  // namespace otto
