#include "messages/random_id.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace p2p {

std::string random_bytes(std::size_t n_bytes) {
    std::string out(n_bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n_bytes)) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return out;
}

std::string to_hex(const void* data, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(digits[p[i] >> 4]);
        out.push_back(digits[p[i] & 15]);
    }
    return out;
}

std::string random_hex(std::size_t n_bytes) {
    const std::string raw = random_bytes(n_bytes);
    return to_hex(raw.data(), raw.size());
}

}  // namespace p2p
