#pragma once
#include <cstddef>
#include <string>

namespace p2p {

// n random bytes from the OS CSPRNG (OpenSSL RAND_bytes), as lowercase hex.
// Used for session tokens and node ids, which must not be guessable.
std::string random_hex(std::size_t n_bytes);
std::string random_bytes(std::size_t n_bytes);
std::string to_hex(const void* data, std::size_t size);

}  // namespace p2p
