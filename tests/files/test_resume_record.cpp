#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "node/files/boot_id.hpp"
#include "node/files/resume_record.hpp"
#include "test_util.hpp"
#include "tests/memory_budget.hpp"

using namespace p2p::files;
namespace fs = std::filesystem;

namespace {

FileMeta meta_of_pieces(uint64_t size, uint32_t piece_size) {
    FileMeta m;
    m.name = "big.iso";
    m.size = size;
    m.piece_size = piece_size;
    std::string all;
    for (uint64_t i = 0; i < num_pieces(size, piece_size); ++i) {
        m.piece_hashes.push_back(test::ref_sha256("piece" + std::to_string(i)));
        all += m.piece_hashes.back();
    }
    m.file_id = test::ref_sha256(all);
    return m;
}

ResumeRecord sample_record() {
    ResumeRecord r;
    r.group = "friends";
    r.meta = meta_of_pieces(11 * uint64_t{kPieceSize} + 3, kPieceSize);  // 12 pieces
    r.dest_dir = "/home/u/Downloads";
    r.have = std::string("\xA5\x50", 2);  // pieces 0,2,5,7,9,11
    r.version = 42;
    r.boot_id = "00000000-0000-4000-8000-000000000001";
    return r;
}

// The on-disk format, written out by hand so the test pins it down.
std::string frame(std::string_view payload) {
    const std::string d = test::ref_sha256(payload);
    return std::string("P2PRES01") + d.substr(0, 4) + std::string(payload);
}

template <class T>
std::string packed(const T& value) {
    msgpack::sbuffer buf;
    msgpack::pack(buf, value);
    return std::string(buf.data(), buf.size());
}

}  // namespace

TEST_CASE("resume record round-trips through save and load", "[resume]") {
    test::TempDir dir;
    const fs::path file = dir / "big.iso.resume";
    const ResumeRecord rec = sample_record();
    save_resume(file, rec);
    CHECK_FALSE(fs::exists(dir / "big.iso.resume.tmp"));
    auto back = load_resume(file);
    REQUIRE(back);
    CHECK(back.value() == rec);

    const std::string bytes = test::read_file(file);
    CHECK(bytes == encode_resume(rec));
    CHECK(bytes == frame(packed(rec)));  // header = magic + first 4 bytes of SHA-256

    // Saving again replaces the record whole.
    ResumeRecord next = rec;
    next.have = std::string("\xFF\xF0", 2);
    next.version = 43;
    save_resume(file, next);
    REQUIRE(load_resume(file));
    CHECK(load_resume(file).value() == next);
}

// The format before records said which boot wrote them.
struct RecordWithoutBoot {
    std::string group;
    FileMeta meta;
    std::string dest_dir;
    std::string have;
    uint64_t version = 0;
    MSGPACK_DEFINE_MAP(group, meta, dest_dir, have, version);
};

TEST_CASE("a record written before boot ids decodes as written in an unknown boot", "[resume]") {
    const ResumeRecord rec = sample_record();
    const RecordWithoutBoot old{rec.group, rec.meta, rec.dest_dir, rec.have, rec.version};
    auto back = decode_resume(frame(packed(old)));
    REQUIRE(back);
    CHECK(back->have == rec.have);
    CHECK(back->boot_id.empty());
    CHECK_FALSE(written_this_boot(back->boot_id, current_boot_id()));
}

TEST_CASE("only a record of this very boot is trusted without reading its pieces back", "[resume]") {
    const std::string now = current_boot_id();
    REQUIRE(now.size() == 36);  // Linux always has one
    CHECK(current_boot_id() == now);
    CHECK(written_this_boot(now, now));
    CHECK_FALSE(written_this_boot("00000000-0000-4000-8000-000000000001", now));
    CHECK_FALSE(written_this_boot("", now));
    // Unknown current boot: nothing is trusted, not even an empty match.
    CHECK_FALSE(written_this_boot("", ""));
}

TEST_CASE("resume record of an empty file and of a relative path", "[resume]") {
    test::TempDir dir;
    ResumeRecord rec;
    rec.group = "g";
    rec.meta = meta_of_pieces(0, kPieceSize);
    rec.meta.name = "empty";
    rec.dest_dir = dir.path().string();
    save_resume(dir / "e.resume", rec);
    auto back = load_resume(dir / "e.resume");
    REQUIRE(back);
    CHECK(back.value() == rec);

    const fs::path old = fs::current_path();
    fs::current_path(dir.path());
    save_resume("rel.resume", rec);  // the directory to fsync is "."
    fs::current_path(old);
    CHECK(load_resume(dir / "rel.resume"));
}

TEST_CASE("save_resume throws and keeps the old record when it cannot write", "[resume]") {
    test::TempDir dir;
    CHECK_THROWS_AS(save_resume(dir / "no-such-dir" / "r.resume", sample_record()),
                    std::system_error);
    CHECK_FALSE(fs::exists(dir / "no-such-dir"));
}

TEST_CASE("every truncation of a resume record is refused", "[resume]") {
    test::TempDir dir;
    const std::string bytes = encode_resume(sample_record());
    const fs::path file = dir / "r";
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        test::write_file(file, bytes.substr(0, len));
        auto r = load_resume(file);
        INFO("truncated to " << len << " of " << bytes.size() << " bytes");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::StartsWith("resume record " + file.string() + ": "));
        if (len < kResumeHeaderBytes) CHECK_THAT(r.error(), Catch::Contains("too short"));
    }
}

TEST_CASE("every flipped byte in a resume record is refused", "[resume]") {
    test::TempDir dir;
    const std::string bytes = encode_resume(sample_record());
    const fs::path file = dir / "r";
    for (std::size_t at = 0; at < bytes.size(); ++at) {
        for (unsigned char mask : {0x01, 0x80, 0xFF}) {
            std::string bad = bytes;
            bad[at] = static_cast<char>(bad[at] ^ mask);
            test::write_file(file, bad);
            auto r = load_resume(file);
            INFO("byte " << at << " ^ " << int(mask));
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error(), Catch::Contains(at < 8 ? "bad magic" : "checksum mismatch"));
        }
    }
    // Bytes appended after a valid record break the checksum too.
    test::write_file(file, bytes + "x");
    CHECK_FALSE(load_resume(file));
}

TEST_CASE("resume payloads with a valid checksum but bad content are refused", "[resume]") {
    ResumeRecord rec = sample_record();
    std::string payload;
    std::string expect;
    SECTION("not msgpack at all") { payload = "\xc1garbage"; expect = "undecodable"; }
    SECTION("empty payload") { payload = ""; expect = "undecodable"; }
    SECTION("an array, not a map") { payload = packed(std::vector<int>{1, 2}); expect = "not a map"; }
    SECTION("a field of the wrong type") {
        msgpack::sbuffer buf;
        msgpack::packer<msgpack::sbuffer> pk(buf);
        pk.pack_map(1);
        pk.pack(std::string("version"));
        pk.pack(std::string("not a number"));
        payload.assign(buf.data(), buf.size());
        expect = "undecodable";
    }
    SECTION("trailing bytes") { payload = packed(rec) + '\0'; expect = "trailing bytes"; }
    SECTION("an absurd array length") {
        payload = std::string("\xdd\xff\xff\xff\xff", 5);  // array32 of 4 billion
        expect = "undecodable";
    }
    SECTION("nested array lengths within the limits, with no elements (found by fuzz_resume)") {
        // {meta: {piece_hashes: [2^26 x [2^26 x ...]]}}: both headers allowed,
        // each asked for 1.5 GiB of slots before the bytes ran out.
        payload = std::string("\x81\xa4meta\x81\xacpiece_hashes");
        for (int i = 0; i < 2; ++i) payload += std::string("\xdd\x04\x00\x00\x00", 5);
        expect = "undecodable: insufficient bytes";
    }
    SECTION("metadata that fails check_meta") {
        rec.meta.file_id[0] ^= 1;
        payload = packed(rec);
        expect = "bad metadata: file id does not match";
    }
    SECTION("a name that is a path") {
        rec.meta.name = "../../.bashrc";
        payload = packed(rec);
        expect = "bad metadata: file name";
    }
    SECTION("an empty map: every field missing") {
        payload = std::string("\x80", 1);
        expect = "bad metadata";
    }
    SECTION("have bitfield one byte short") {
        rec.have.pop_back();
        payload = packed(rec);
        expect = "have bitfield is 1 bytes for 12 pieces";
    }
    SECTION("have bitfield one byte long") {
        rec.have += '\0';
        payload = packed(rec);
        expect = "have bitfield is 3 bytes for 12 pieces";
    }
    SECTION("have bit set past the last piece") {
        rec.have[1] = static_cast<char>(rec.have[1] | 0x01);
        payload = packed(rec);
        expect = "past the last piece";
    }
    auto r = p2p::test::with_memory_budget(p2p::test::kDecodeBudget, [&] { return decode_resume(frame(payload)); });
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error(), Catch::Contains(expect));
}

TEST_CASE("load_resume refuses a missing file and a directory", "[resume]") {
    test::TempDir dir;
    auto missing = load_resume(dir / "none");
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error(), Catch::EndsWith("No such file or directory"));
    auto d = load_resume(dir.path());
    REQUIRE_FALSE(d);
    CHECK_THAT(d.error(), Catch::EndsWith("not a regular file"));
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    CHECK_FALSE(load_resume(dir / "fifo"));
}

TEST_CASE("bitfield_bytes", "[resume]") {
    CHECK(bitfield_bytes(0) == 0);
    CHECK(bitfield_bytes(1) == 1);
    CHECK(bitfield_bytes(8) == 1);
    CHECK(bitfield_bytes(9) == 2);
}
