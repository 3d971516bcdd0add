#include <catch2/catch.hpp>

#include "messages/file_meta.hpp"
#include "messages/sha256.hpp"
#include "test_util.hpp"

using namespace p2p::files;

namespace {

// A consistent FileMeta for a 3.5-piece file, built without hash_file.
FileMeta good_meta() {
    FileMeta m;
    m.name = "movie.mkv";
    m.piece_size = kPieceSize;
    m.size = 3 * uint64_t{kPieceSize} + kPieceSize / 2;
    std::string all;
    for (int i = 0; i < 4; ++i) {
        m.piece_hashes.push_back(test::ref_sha256("piece " + std::to_string(i)));
        all += m.piece_hashes.back();
    }
    m.file_id = test::ref_sha256(all);
    return m;
}

}  // namespace

TEST_CASE("num_pieces and piece_length", "[meta]") {
    CHECK(num_pieces(0, kPieceSize) == 0);
    CHECK(num_pieces(1, kPieceSize) == 1);
    CHECK(num_pieces(kPieceSize, kPieceSize) == 1);
    CHECK(num_pieces(kPieceSize + 1, kPieceSize) == 2);
    CHECK(num_pieces(kMaxFileSize, kMinPieceSize) == (uint64_t{1} << 26));
    CHECK(num_pieces(UINT64_MAX, kPieceSize) == (UINT64_MAX >> 19) + 1);  // no overflow
    CHECK(num_pieces(100, 0) == 0);

    FileMeta m = good_meta();
    CHECK(piece_length(m, 0) == kPieceSize);
    CHECK(piece_length(m, 2) == kPieceSize);
    CHECK(piece_length(m, 3) == kPieceSize / 2);
    CHECK(piece_length(m, 4) == 0);
    CHECK(piece_length(m, UINT64_MAX) == 0);
    CHECK(piece_length(kPieceSize * 2, kPieceSize, 1) == kPieceSize);
}

TEST_CASE("valid_piece_size", "[meta]") {
    CHECK(valid_piece_size(16 * 1024));
    CHECK(valid_piece_size(kPieceSize));
    CHECK(valid_piece_size(16 * 1024 * 1024));
    CHECK_FALSE(valid_piece_size(0));
    CHECK_FALSE(valid_piece_size(8 * 1024));
    CHECK_FALSE(valid_piece_size(32 * 1024 * 1024));
    CHECK_FALSE(valid_piece_size(kPieceSize + 1));
    CHECK_FALSE(valid_piece_size(3 * 64 * 1024));
}

TEST_CASE("file id of an empty file is SHA-256 of empty input", "[meta]") {
    CHECK(file_id_of({}) == test::ref_sha256(""));
    FileMeta m = good_meta();
    std::string all;
    for (const auto& h : m.piece_hashes) all += h;
    CHECK(file_id_of(m.piece_hashes) == test::ref_sha256(all));
}

TEST_CASE("check_meta accepts consistent metadata", "[meta]") {
    CHECK(check_meta(good_meta()));
    FileMeta empty{"empty.txt", 0, kPieceSize, {}, test::ref_sha256("")};
    CHECK(check_meta(empty));
}

TEST_CASE("check_meta rejects each bad field", "[meta]") {
    FileMeta m = good_meta();
    std::string expect;
    SECTION("name with a slash") { m.name = "../etc/passwd"; expect = "file name"; }
    SECTION("empty name") { m.name = ""; expect = "file name"; }
    SECTION("size over 1 TiB") {
        m.size = kMaxFileSize + 1;
        expect = "over 1 TiB";
    }
    SECTION("piece size not a power of two") { m.piece_size = kPieceSize + 1; expect = "piece size"; }
    SECTION("piece size too small") { m.piece_size = 8 * 1024; expect = "piece size"; }
    SECTION("piece size too big") { m.piece_size = 32 * 1024 * 1024; expect = "piece size"; }
    SECTION("piece size zero") { m.piece_size = 0; expect = "piece size"; }
    SECTION("one hash too few") { m.piece_hashes.pop_back(); expect = "piece hashes"; }
    SECTION("one hash too many") { m.piece_hashes.push_back(std::string(32, 'x')); expect = "piece hashes"; }
    SECTION("size says one piece more") { m.size += kPieceSize; expect = "piece hashes"; }
    SECTION("short hash") { m.piece_hashes[2].pop_back(); expect = "piece 2"; }
    SECTION("long hash") { m.piece_hashes[0] += 'x'; expect = "piece 0"; }
    SECTION("file id wrong length") { m.file_id = std::string(31, 'a'); expect = "file id is 31"; }
    SECTION("file id empty") { m.file_id.clear(); expect = "file id is 0"; }
    SECTION("file id not matching") { m.file_id[5] ^= 1; expect = "does not match"; }
    SECTION("hashes swapped") { std::swap(m.piece_hashes[0], m.piece_hashes[1]); expect = "does not match"; }
    auto r = check_meta(m);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error(), Catch::Contains(expect));
    CHECK_THAT(r.error(), Catch::StartsWith("bad metadata: "));
}

TEST_CASE("FileMeta survives msgpack, and a missing field fails check_meta", "[meta]") {
    const FileMeta m = good_meta();
    msgpack::sbuffer buf;
    msgpack::pack(buf, m);
    auto back = msgpack::unpack(buf.data(), buf.size()).get().as<FileMeta>();
    CHECK(back == m);
    CHECK(check_meta(back));

    // The same map without piece_size.
    msgpack::sbuffer partial;
    msgpack::packer<msgpack::sbuffer> pk(partial);
    pk.pack_map(4);
    pk.pack(std::string("name")); pk.pack(m.name);
    pk.pack(std::string("size")); pk.pack(m.size);
    pk.pack(std::string("piece_hashes")); pk.pack(m.piece_hashes);
    pk.pack(std::string("file_id")); pk.pack(m.file_id);
    auto missing = msgpack::unpack(partial.data(), partial.size()).get().as<FileMeta>();
    CHECK(missing.piece_size == 0);
    CHECK_FALSE(check_meta(missing));
}
