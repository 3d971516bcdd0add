#pragma once
// Shared by the fuzz targets. A failed FUZZ_CHECK aborts, which libFuzzer
// reports as a crash and saves the input that caused it, exactly like a
// sanitizer finding: a broken property is as much a bug as a bad read.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                                   \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            std::fprintf(stderr, "%s:%d: fuzz check failed: %s: %s\n", __FILE__, __LINE__, #cond, \
                         std::string(what).c_str());                                             \
            std::abort();                                                                        \
        }                                                                                        \
    } while (0)

namespace fuzz {

inline std::string_view as_text(const uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Checksummed formats (journal records, snapshots, resume records) stop at
// the checksum on almost every mutated input, so the code behind it would
// never run. Targets of such formats give the first input byte a choice:
// odd means "use the bytes as they are", even means "repair the checksums
// first", which lets the mutations reach the parser behind them.
inline bool wants_repair(std::string_view& input) {
    if (input.empty()) return false;
    const bool repair = (static_cast<unsigned char>(input.front()) & 1) == 0;
    input.remove_prefix(1);
    return repair;
}

}  // namespace fuzz
