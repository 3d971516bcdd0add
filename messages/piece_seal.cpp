#include "messages/piece_seal.hpp"

#include <openssl/evp.h>

#include <climits>
#include <memory>

namespace p2p::msg {

namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// index (big-endian) || piece hash: what the bytes claim to be.
void make_aad(const SealParams& p, unsigned char (&aad)[4 + 32]) {
    aad[0] = static_cast<unsigned char>(p.index >> 24);
    aad[1] = static_cast<unsigned char>(p.index >> 16);
    aad[2] = static_cast<unsigned char>(p.index >> 8);
    aad[3] = static_cast<unsigned char>(p.index);
    for (int i = 0; i < 32; ++i) aad[4 + i] = p.piece_hash[i];
}

// EVP takes int lengths; pieces are at most a few MiB, but a caller's size_t
// must not wrap into a short (and so unauthenticated) range.
bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

CipherCtx start(const SealParams& p, bool encrypt) {
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (!ctx) return ctx;
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSealNonceBytes), nullptr) != 1 ||
        EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, p.key, p.nonce, encrypt ? 1 : 0) != 1) {
        ctx.reset();
        return ctx;
    }
    unsigned char aad[4 + 32];
    make_aad(p, aad);
    int out = 0;
    if (EVP_CipherUpdate(ctx.get(), nullptr, &out, aad, static_cast<int>(sizeof aad)) != 1) ctx.reset();
    return ctx;
}

}  // namespace

bool seal_piece(const SealParams& p, unsigned char* data, std::size_t len) {
    if (!fits_int(len)) return false;
    CipherCtx ctx = start(p, true);
    if (!ctx) return false;
    int out = 0;
    if (EVP_EncryptUpdate(ctx.get(), data, &out, data, static_cast<int>(len)) != 1) return false;
    int tail = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), data + out, &tail) != 1) return false;
    return EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kSealTagBytes), data + len) == 1;
}

bool open_piece(const SealParams& p, unsigned char* data, std::size_t sealed_len) {
    if (sealed_len < kSealTagBytes || !fits_int(sealed_len)) return false;
    const std::size_t len = sealed_len - kSealTagBytes;
    CipherCtx ctx = start(p, false);
    if (!ctx) return false;
    int out = 0;
    if (EVP_DecryptUpdate(ctx.get(), data, &out, data, static_cast<int>(len)) != 1) return false;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kSealTagBytes), data + len) != 1) {
        return false;
    }
    int tail = 0;
    return EVP_DecryptFinal_ex(ctx.get(), data + out, &tail) == 1;
}

}  // namespace p2p::msg
