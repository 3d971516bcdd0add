#include "tracker/storage/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace p2p::storage {
namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // Castagnoli polynomial, bit-reflected

constexpr std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
        t[i] = c;
    }
    return t;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

}  // namespace

namespace detail {

uint32_t crc32c_sw(const void* data, size_t n, uint32_t crc) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint32_t c = ~crc;
    for (size_t i = 0; i < n; ++i) c = kTable[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return ~c;
}

#if defined(__x86_64__)

bool crc32c_hw_available() {
    // Needed in case we are first called from a static initializer, before libgcc's own init.
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2"))) uint32_t crc32c_hw(const void* data, size_t n, uint32_t crc) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint64_t c = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);  // unaligned-safe load
        c = _mm_crc32_u64(c, word);
    }
    auto c32 = static_cast<uint32_t>(c);
    for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, *p);
    return ~c32;
}

#else

bool crc32c_hw_available() { return false; }
uint32_t crc32c_hw(const void* data, size_t n, uint32_t crc) { return crc32c_sw(data, n, crc); }

#endif

}  // namespace detail

uint32_t crc32c(const void* data, size_t n, uint32_t crc) {
    using Fn = uint32_t (*)(const void*, size_t, uint32_t);
    static const Fn impl = detail::crc32c_hw_available() ? &detail::crc32c_hw : &detail::crc32c_sw;
    return impl(data, n, crc);
}

}  // namespace p2p::storage
