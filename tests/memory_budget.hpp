#pragma once
// For tests of decoders that must not allocate for what a header claims:
// runs f while the process may allocate at most `budget` more bytes
// (RLIMIT_DATA covers malloc's heap and its large mmaps), so that such an
// allocation fails with std::bad_alloc, which the decoder's error then shows,
// instead of quietly succeeding on an overcommitting kernel.
//
// Under AddressSanitizer, whose own reservations count against that limit,
// f runs unlimited: ASan aborts on absurd allocations by itself.
#include <sys/resource.h>

#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define P2P_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define P2P_TEST_UNDER_ASAN 1
#endif
#endif

namespace p2p::test {

inline std::size_t data_segment_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    std::size_t kib = 0;
    while (status >> key) {
        if (key == "VmData:" && status >> kib) return kib * 1024;
        status.ignore(1 << 10, '\n');
    }
    throw std::runtime_error("no VmData in /proc/self/status");
}

inline constexpr std::size_t kDecodeBudget = std::size_t{16} << 20;

template <class F>
auto with_memory_budget(std::size_t budget, F f) {
#if defined(P2P_TEST_UNDER_ASAN)
    (void)budget;
    return f();
#else
    rlimit old{};
    if (::getrlimit(RLIMIT_DATA, &old) != 0) throw std::runtime_error("getrlimit(RLIMIT_DATA) failed");
    rlimit tight = old;
    tight.rlim_cur = data_segment_bytes() + budget;
    if (tight.rlim_cur > old.rlim_cur) tight.rlim_cur = old.rlim_cur;
    if (::setrlimit(RLIMIT_DATA, &tight) != 0) throw std::runtime_error("setrlimit(RLIMIT_DATA) failed");
    struct Restore {
        rlimit limit;
        ~Restore() { ::setrlimit(RLIMIT_DATA, &limit); }
    } restore{old};
    return f();
#endif
}

}  // namespace p2p::test
