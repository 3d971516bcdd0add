#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <stdexcept>
#include <system_error>

#include "test_util.hpp"
#include "tracker/storage/snapshot.hpp"

using namespace p2p::storage;
using namespace p2p::storage::test;

namespace {

constexpr size_t kHeader = 28;  // magic, seq, len, crc

std::string read_error(const fs::path& dir) {
    try {
        read_snapshot(dir);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("no snapshot file means nullopt", "[snapshot]") {
    TempDir t;
    CHECK_FALSE(read_snapshot(t.path()));
}

TEST_CASE("snapshot round trip", "[snapshot]") {
    TempDir t;
    std::mt19937_64 rng(3);

    SECTION("empty state") {
        write_snapshot(t.path(), 0, "");
        auto s = read_snapshot(t.path());
        REQUIRE(s);
        CHECK(s->seq == 0);
        CHECK(s->bytes.empty());
        CHECK(fs::file_size(t.snapshot()) == kHeader);
    }
    SECTION("large binary state, max seq") {
        const std::string bytes = random_bytes(rng, 3 << 20);
        const uint64_t seq = std::numeric_limits<uint64_t>::max();
        write_snapshot(t.path(), seq, bytes);
        auto s = read_snapshot(t.path());
        REQUIRE(s);
        CHECK(s->seq == seq);
        CHECK(s->bytes == bytes);
    }
    SECTION("a newer snapshot replaces the old one and leaves no temp file") {
        write_snapshot(t.path(), 5, "old");
        write_snapshot(t.path(), 9, "new state");
        auto s = read_snapshot(t.path());
        REQUIRE(s);
        CHECK(s->seq == 9);
        CHECK(s->bytes == "new state");
        CHECK_FALSE(fs::exists(t.path() / kSnapshotTmpFile));
        CHECK(fs::file_size(t.snapshot()) == kHeader + 9);
    }
}

TEST_CASE("a corrupt snapshot throws with the reason", "[snapshot]") {
    TempDir t;
    write_snapshot(t.path(), 77, "some tracker state");
    const std::string good = read_file(t.snapshot());
    REQUIRE(good.substr(0, 8) == "P2PSNAP1");

    auto corrupt_with = [&](const std::string& bytes) {
        write_file(t.snapshot(), bytes);
        std::string err = read_error(t.path());
        CHECK_THAT(err, Catch::Contains(t.snapshot().string()));
        return err;
    };

    CHECK_THAT(corrupt_with(""), Catch::Contains("shorter than the 28-byte header"));
    CHECK_THAT(corrupt_with(good.substr(0, 20)), Catch::Contains("shorter than the 28-byte header"));

    std::string bad_magic = good;
    bad_magic[7] = '2';
    CHECK_THAT(corrupt_with(bad_magic), Catch::Contains("bad magic"));

    CHECK_THAT(corrupt_with(good.substr(0, good.size() - 1)),
               Catch::Contains("header says 18 payload bytes, file holds 17"));
    CHECK_THAT(corrupt_with(good + "x"), Catch::Contains("header says 18 payload bytes, file holds 19"));

    std::string bad_len = good;
    bad_len[16] = '\xff';  // len field
    CHECK_THAT(corrupt_with(bad_len), Catch::Contains("payload bytes, file holds 18"));

    for (size_t at : {kHeader, good.size() - 1, size_t{24}}) {  // first, last payload byte; crc field
        INFO("flipped byte " << at);
        std::string flipped = good;
        flipped[at] ^= 0x01;
        CHECK_THAT(corrupt_with(flipped), Catch::Contains("bad crc"));
    }

    // Putting the good one back makes it readable again: nothing was cached or deleted.
    write_file(t.snapshot(), good);
    auto s = read_snapshot(t.path());
    REQUIRE(s);
    CHECK(s->seq == 77);
}

TEST_CASE("decode_snapshot checks bytes in memory as read_snapshot checks the file", "[snapshot]") {
    TempDir t;
    write_snapshot(t.path(), 77, "some tracker state");
    const std::string good = read_file(t.snapshot());
    const auto s = decode_snapshot(good, "named.bin");
    CHECK(s.seq == 77);
    CHECK(s.bytes == "some tracker state");

    std::string flipped = good;
    flipped[kHeader] ^= 0x01;
    CHECK_THROWS_WITH(decode_snapshot(flipped, "named.bin"),
                      Catch::Contains("snapshot named.bin is corrupt (bad crc)"));
    CHECK_THROWS_WITH(decode_snapshot(good.substr(0, 27), "named.bin"), Catch::Contains("28-byte header"));
}

TEST_CASE("write_snapshot into a missing directory throws system_error", "[snapshot]") {
    TempDir t;
    const auto dir = t.path() / "missing";
    try {
        write_snapshot(dir, 1, "x");
        FAIL("should have thrown");
    } catch (const std::system_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("open") && Catch::Contains(kSnapshotTmpFile));
    }
    CHECK_FALSE(fs::exists(dir));
}
