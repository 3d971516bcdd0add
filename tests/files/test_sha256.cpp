#include <catch2/catch.hpp>

#include "messages/sha256.hpp"
#include "test_util.hpp"

using namespace p2p::files;

TEST_CASE("sha256 matches the FIPS 180-2 test vectors", "[sha256]") {
    CHECK(to_hex(sha256("")) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(to_hex(sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("streaming in any chunking equals one-shot, and finish() resets", "[sha256]") {
    const std::string data = test::random_bytes(100'000, 7);
    Sha256 h;
    for (std::size_t chunk : {1u, 63u, 64u, 65u, 4096u, 99'999u}) {
        for (std::size_t at = 0; at < data.size(); at += chunk) {
            h.update(std::string_view(data).substr(at, chunk));
        }
        CHECK(h.finish() == test::ref_sha256(data));
    }
    h.update(nullptr, 0);
    CHECK(h.finish() == test::ref_sha256(""));
}

TEST_CASE("a moved hasher keeps its state", "[sha256]") {
    Sha256 a;
    a.update("ab");
    Sha256 b = std::move(a);
    b.update("c");
    CHECK(to_hex(b.finish()).substr(0, 8) == "ba7816bf");
}
