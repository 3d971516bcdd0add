#pragma once

#include <cstddef>
#include <cstdint>

namespace p2p::storage {

// CRC-32C (Castagnoli), the checksum used by iSCSI/ext4: crc32c("123456789") == 0xE3069283.
// `crc` is a previous result, so crc32c(b, nb, crc32c(a, na)) == crc32c of a followed by b.
// Uses the SSE4.2 instruction when the CPU has it, else a table.
uint32_t crc32c(const void* data, size_t n, uint32_t crc = 0);

namespace detail {
// Both paths are exposed so tests can check that they agree.
uint32_t crc32c_sw(const void* data, size_t n, uint32_t crc = 0);
bool crc32c_hw_available();
// Only call when crc32c_hw_available(); otherwise the instruction traps (SIGILL).
uint32_t crc32c_hw(const void* data, size_t n, uint32_t crc = 0);
}  // namespace detail

}  // namespace p2p::storage
