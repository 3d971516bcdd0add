#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>

#include "tracker/storage/crc32c.hpp"

using namespace p2p::storage;

namespace {

uint32_t crc(const std::string& s) { return crc32c(s.data(), s.size()); }

}  // namespace

TEST_CASE("crc32c known answers", "[crc32c]") {
    CHECK(crc("123456789") == 0xE3069283u);
    CHECK(crc("") == 0u);

    // RFC 3720 (iSCSI) appendix B.4 vectors.
    std::string zeros(32, '\0'), ones(32, '\xff'), inc(32, '\0'), dec(32, '\0');
    for (int i = 0; i < 32; ++i) {
        inc[i] = static_cast<char>(i);
        dec[i] = static_cast<char>(31 - i);
    }
    CHECK(crc(zeros) == 0x8A9136AAu);
    CHECK(crc(ones) == 0x62A8AB43u);
    CHECK(crc(inc) == 0x46DD794Eu);
    CHECK(crc(dec) == 0x113FDB5Cu);

    CHECK(detail::crc32c_sw("123456789", 9) == 0xE3069283u);
    if (detail::crc32c_hw_available()) {
        CHECK(detail::crc32c_hw("123456789", 9) == 0xE3069283u);
        CHECK(detail::crc32c_hw(zeros.data(), zeros.size()) == 0x8A9136AAu);
    }
}

TEST_CASE("crc32c chains across split buffers", "[crc32c]") {
    const std::string s = "The quick brown fox jumps over the lazy dog, twice over.";
    const uint32_t whole = crc(s);
    for (size_t cut = 0; cut <= s.size(); ++cut) {
        CHECK(crc32c(s.data() + cut, s.size() - cut, crc32c(s.data(), cut)) == whole);
    }
}

TEST_CASE("crc32c hardware and table paths agree", "[crc32c]") {
    if (!detail::crc32c_hw_available()) WARN("no SSE4.2 on this CPU: only the table path is tested");

    std::mt19937_64 rng(7);
    std::string buf(1000 + 8, '\0');
    for (auto& c : buf) c = static_cast<char>(rng());

    for (size_t len = 0; len <= 1000; ++len) {
        // Vary the start so the 8-byte loads are at every alignment.
        const char* p = buf.data() + (len % 8);
        const uint32_t seed = static_cast<uint32_t>(rng());
        const uint32_t sw = detail::crc32c_sw(p, len, seed);
        CHECK(crc32c(p, len, seed) == sw);
        if (detail::crc32c_hw_available()) {
            INFO("len " << len);
            CHECK(detail::crc32c_hw(p, len, seed) == sw);
        }
    }
}
