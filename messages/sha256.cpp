#include "messages/sha256.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace p2p::files {
namespace {

// Fetched once: passing EVP_sha256() to every init makes OpenSSL 3 look the
// implementation up in its provider store again each time. Never freed, on
// purpose — it lives as long as the process may hash.
const EVP_MD* sha256_md() {
    static EVP_MD* const md = [] {
        EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (m == nullptr) throw std::runtime_error("OpenSSL has no SHA256 implementation");
        return m;
    }();
    return md;
}

void check(int rc, const char* what) {
    if (rc != 1) throw std::runtime_error(std::string("OpenSSL SHA-256 failed in ") + what);
}

}  // namespace

void Sha256::CtxFree::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw std::bad_alloc();
    check(EVP_DigestInit_ex2(ctx_.get(), sha256_md(), nullptr), "init");
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
    if (size == 0) return;
    check(EVP_DigestUpdate(ctx_.get(), data, size), "update");
}

std::string Sha256::finish() {
    std::string digest(kSha256Bytes, '\0');
    unsigned len = 0;
    check(EVP_DigestFinal_ex(ctx_.get(), reinterpret_cast<unsigned char*>(digest.data()), &len),
          "final");
    check(EVP_DigestInit_ex2(ctx_.get(), sha256_md(), nullptr), "reinit");
    return digest;
}

std::string sha256(const void* data, std::size_t size) {
    // A context per call keeps this safe to use from any thread.
    Sha256 h;
    h.update(data, size);
    return h.finish();
}

std::string to_hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 0xF]);
    }
    return out;
}

}  // namespace p2p::files
