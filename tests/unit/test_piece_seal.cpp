#include <catch2/catch.hpp>

#include <string>

#include "messages/piece_seal.hpp"
#include "messages/random_id.hpp"
#include "messages/sha256.hpp"

using namespace p2p;

namespace {

const unsigned char* u(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* u(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

struct Sealed {
    std::string plain = random_bytes(512 * 1024 - 3);  // odd length: no block alignment assumed
    std::string key = random_bytes(msg::kSealKeyBytes);
    std::string nonce = random_bytes(msg::kSealNonceBytes);
    std::string hash = files::sha256(plain);
    uint32_t index = 7;
    std::string bytes;  // ciphertext || tag

    Sealed() {
        bytes = plain + std::string(msg::kSealTagBytes, '\0');
        REQUIRE(msg::seal_piece(params(), u(bytes), plain.size()));
    }
    msg::SealParams params() const { return {u(key), u(nonce), index, u(hash)}; }
};

}  // namespace

TEST_CASE("a sealed piece opens in place to the same bytes", "[seal]") {
    Sealed s;
    CHECK(s.bytes.substr(0, s.plain.size()) != s.plain);
    // No 64-byte run of the plaintext survives in the ciphertext.
    CHECK(s.bytes.find(s.plain.substr(1000, 64)) == std::string::npos);
    REQUIRE(msg::open_piece(s.params(), u(s.bytes), s.bytes.size()));
    CHECK(s.bytes.substr(0, s.plain.size()) == s.plain);
}

TEST_CASE("a sealed piece does not open when anything differs", "[seal]") {
    Sealed s;
    SECTION("a flipped ciphertext bit") { s.bytes[12345] ^= 0x01; }
    SECTION("a flipped tag bit") { s.bytes.back() ^= 0x80; }
    SECTION("another key") { s.key[0] ^= 0x01; }
    SECTION("another nonce") { s.nonce[11] ^= 0x01; }
    SECTION("another index: bytes of one piece passed off as another") { s.index = 8; }
    SECTION("another expected hash") { s.hash[0] ^= 0x01; }
    SECTION("cut short") { s.bytes.pop_back(); }
    CHECK_FALSE(msg::open_piece(s.params(), u(s.bytes), s.bytes.size()));
}

TEST_CASE("too short to hold a tag is refused, not read past", "[seal]") {
    Sealed s;
    std::string tiny(msg::kSealTagBytes - 1, 'x');
    CHECK_FALSE(msg::open_piece(s.params(), u(tiny), tiny.size()));
    std::string tag_only(msg::kSealTagBytes, 'x');
    CHECK_FALSE(msg::open_piece(s.params(), u(tag_only), tag_only.size()));
}

TEST_CASE("an empty piece seals to a tag alone and opens", "[seal]") {
    Sealed s;
    std::string bytes(msg::kSealTagBytes, '\0');
    REQUIRE(msg::seal_piece(s.params(), u(bytes), 0));
    CHECK(msg::open_piece(s.params(), u(bytes), bytes.size()));
}
