#pragma once
// Sealed pieces: AES-256-GCM over a piece's bytes, in place, so that piece
// bytes can travel on a connection without CURVE and stay private.
//
// Why not CURVE for the bytes: libzmq 4.3's CURVE (XSalsa20-Poly1305 in
// libsodium, plus two copies of every message inside libzmq) costs about
// 1 s of CPU per GiB on each side; AES-256-GCM with AES-NI costs ~0.24 s
// (openssl speed: 4.5 GB/s for 512 KiB blocks here) and works in place.
// The key never travels in the clear: the downloader picks a fresh random
// key per source link and sends it inside its PieceRequests, on the CURVE
// connection that also authenticates it (peer_protocol.hpp).
//
// A sealed piece is the ciphertext followed by the 16-byte tag. The nonce
// is 12 random bytes per piece, sent in the PieceReply: one key seals at
// most a link's worth of pieces, far below the 2^32 messages up to which
// random GCM nonces are safe. The additional data binds the bytes to the
// piece they claim to be (its index and expected SHA-256), so bytes sealed
// for one piece cannot be passed off as another.
#include <cstddef>
#include <cstdint>
#include <string>

namespace p2p::msg {

inline constexpr std::size_t kSealKeyBytes = 32;
inline constexpr std::size_t kSealNonceBytes = 12;
inline constexpr std::size_t kSealTagBytes = 16;

struct SealParams {
    const unsigned char* key = nullptr;    // kSealKeyBytes
    const unsigned char* nonce = nullptr;  // kSealNonceBytes
    uint32_t index = 0;                    // the piece's index
    const unsigned char* piece_hash = nullptr;  // its expected SHA-256, 32 bytes
};

// Encrypts data[0, len) in place and writes the tag to data[len, len + 16):
// the buffer must hold len + kSealTagBytes bytes. False only if OpenSSL fails.
bool seal_piece(const SealParams& p, unsigned char* data, std::size_t len);

// Decrypts data[0, sealed_len - 16) in place and checks the tag that follows.
// False (and the bytes are then garbage) when the key, nonce, index or hash
// differ from the sealer's, or a byte was changed on the way.
bool open_piece(const SealParams& p, unsigned char* data, std::size_t sealed_len);

}  // namespace p2p::msg
