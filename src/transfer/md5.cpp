#include "transfer/md5.hpp"

#include <openssl/evp.h>

namespace otto {

struct Md5::Context {
    struct Free {
        void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> ctx{EVP_MD_CTX_new()};
};

Md5::Md5() : context_(std::make_unique<Context>()) {
    // A build of OpenSSL without MD5 (FIPS mode) leaves the context empty.
    if (context_->ctx && EVP_DigestInit_ex(context_->ctx.get(), EVP_md5(), nullptr) != 1) context_->ctx.reset();
}

Md5::~Md5() = default;
Md5::Md5(Md5 &&) noexcept = default;
Md5 &Md5::operator=(Md5 &&) noexcept = default;

void Md5::update(std::string_view data) {
    if (context_->ctx && !data.empty()) EVP_DigestUpdate(context_->ctx.get(), data.data(), data.size());
}

std::string Md5::hex_digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!context_->ctx || EVP_DigestFinal_ex(context_->ctx.get(), digest, &length) != 1) return {};
    context_->ctx.reset();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

}  // namespace otto
