// The whole-file id re-check of a download (node/engine/file_id_check.hpp).
#include <catch2/catch.hpp>

#include "messages/sha256.hpp"
#include "node/engine/file_id_check.hpp"

using p2p::node::file_id_check;

namespace {

p2p::files::FileMeta three_pieces() {
    p2p::files::FileMeta meta;
    meta.name = "movie.bin";
    meta.piece_size = p2p::files::kPieceSize;
    meta.size = 2 * uint64_t{p2p::files::kPieceSize} + 1234;
    for (const char* bytes : {"first", "second", "third"}) meta.piece_hashes.push_back(p2p::files::sha256(bytes, 5));
    meta.file_id = p2p::files::file_id_of(meta.piece_hashes);
    return meta;
}

}  // namespace

TEST_CASE("a complete file of the right size whose hashes give its id passes", "[file_id_check]") {
    const auto meta = three_pieces();
    CHECK(file_id_check(meta, true, meta.size).empty());
}

TEST_CASE("an empty file passes with no pieces", "[file_id_check]") {
    p2p::files::FileMeta meta;
    meta.piece_size = p2p::files::kPieceSize;
    meta.file_id = p2p::files::file_id_of({});
    CHECK(file_id_check(meta, true, 0).empty());
}

TEST_CASE("the re-check refuses what the pieces alone cannot prove", "[file_id_check]") {
    auto meta = three_pieces();
    SECTION("a piece not verified") {
        CHECK(file_id_check(meta, false, meta.size) == "not every piece was verified");
    }
    SECTION("a hash list that does not give the file id") {
        meta.piece_hashes[1] = p2p::files::sha256("other", 5);
        CHECK(file_id_check(meta, true, meta.size) == "the piece hashes do not match the file id the tracker gave");
    }
    SECTION("another file id") {
        meta.file_id[0] = static_cast<char>(meta.file_id[0] ^ 1);
        CHECK(file_id_check(meta, true, meta.size) == "the piece hashes do not match the file id the tracker gave");
    }
    SECTION("a file on disk longer or shorter than the file") {
        CHECK(file_id_check(meta, true, meta.size + 1) ==
              "the file on disk holds " + std::to_string(meta.size + 1) + " bytes, not " + std::to_string(meta.size));
        CHECK_FALSE(file_id_check(meta, true, meta.size - 1).empty());
    }
}
