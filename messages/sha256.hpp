#pragma once
// SHA-256 through OpenSSL's EVP interface, which picks the SHA-NI code path
// when the CPU has it. Digests are 32 raw bytes in a std::string because
// that is how they travel in messages and metadata.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX; kept out of this header

namespace p2p::files {

inline constexpr std::size_t kSha256Bytes = 32;

// Streaming hasher. finish() leaves it ready for the next message, so one
// hasher per thread serves any number of pieces without reallocating.
// OpenSSL failures here can only mean an allocation failure: they throw.
class Sha256 {
public:
    Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    ~Sha256();

    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    std::string finish();

private:
    struct CtxFree {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, CtxFree> ctx_;
};

std::string sha256(const void* data, std::size_t size);
inline std::string sha256(std::string_view bytes) { return sha256(bytes.data(), bytes.size()); }

// Lower-case hex, for logs, file ids shown to users and test messages.
std::string to_hex(std::string_view bytes);

}  // namespace p2p::files
