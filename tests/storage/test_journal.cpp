#include <catch2/catch.hpp>

#include <cstring>
#include <stdexcept>
#include <system_error>

#include "test_util.hpp"
#include "tracker/storage/crc32c.hpp"
#include "tracker/storage/journal.hpp"
#include "tracker/storage/snapshot.hpp"

using namespace p2p::storage;
using namespace p2p::storage::test;

namespace {

// Offset of each record in the file as append_all() lays it out.
std::vector<uint64_t> offsets_of(const std::vector<Record>& recs) {
    std::vector<uint64_t> out;
    uint64_t off = 0;
    for (const auto& r : recs) {
        out.push_back(off);
        off += encoded_size(r);
    }
    out.push_back(off);  // end
    return out;
}

std::vector<Record> prefix(const std::vector<Record>& recs, size_t n) {
    return {recs.begin(), recs.begin() + static_cast<std::ptrdiff_t>(n)};
}

void put_u32_at(std::string& bytes, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

TEST_CASE("recover on a missing directory creates it and finds nothing", "[journal]") {
    TempDir t;
    const auto dir = t.path() / "state" / "tracker";
    auto r = recover(dir);
    CHECK(fs::is_directory(dir));
    CHECK_FALSE(r.snapshot);
    CHECK(r.records.empty());
    CHECK(r.cut_bytes == 0);
    CHECK(r.log.empty());
    CHECK_FALSE(fs::exists(dir / kJournalFile));

    // And an existing empty journal is just as empty.
    JournalWriter::open(dir / kJournalFile);
    r = recover(dir);
    CHECK(r.records.empty());
    CHECK(r.cut_bytes == 0);
    CHECK(r.log.empty());
}

TEST_CASE("append, sync and recover round trip many records", "[journal]") {
    TempDir t;
    const auto recs = make_records(3000);
    {
        auto w = JournalWriter::open(t.journal());
        uint64_t expect_size = 0;
        size_t expect_buffered = 0;
        for (size_t i = 0; i < recs.size(); ++i) {
            w.append(recs[i].seq, recs[i].payload);
            expect_buffered += encoded_size(recs[i]);
            REQUIRE(w.buffered() == expect_buffered);
            if (i % 37 == 36) {
                w.sync();
                expect_size += expect_buffered;
                expect_buffered = 0;
                REQUIRE(w.buffered() == 0);
                REQUIRE(w.file_size() == expect_size);
                REQUIRE(fs::file_size(t.journal()) == expect_size);
            }
        }
        w.sync();
        CHECK(w.file_size() == offsets_of(recs).back());
    }
    auto r = recover(t.path());
    CHECK(r.cut_bytes == 0);
    CHECK(r.log.empty());
    REQUIRE(r.records.size() == recs.size());
    CHECK(r.records == recs);

    // Reopening appends after what is there.
    const auto more = make_records(50, recs.back().seq + 1, 9);
    {
        auto w = JournalWriter::open(t.journal());
        CHECK(w.file_size() == offsets_of(recs).back());
        for (const auto& rec : more) w.append(rec.seq, rec.payload);
        w.sync();
    }
    r = recover(t.path());
    auto all = recs;
    all.insert(all.end(), more.begin(), more.end());
    CHECK(r.records == all);
}

TEST_CASE("records appended but never synced are not written", "[journal]") {
    TempDir t;
    const auto recs = make_records(10);
    {
        auto w = JournalWriter::open(t.journal());
        for (size_t i = 0; i < 6; ++i) w.append(recs[i].seq, recs[i].payload);
        w.sync();
        for (size_t i = 6; i < 10; ++i) w.append(recs[i].seq, recs[i].payload);
        w.sync();  // a sync with nothing buffered after this is a no-op
        w.sync();
        w.append(recs.back().seq + 1, "lost");
    }
    auto r = recover(t.path());
    CHECK(r.records == recs);
    CHECK(r.cut_bytes == 0);
}

TEST_CASE("a writer is movable", "[journal]") {
    TempDir t;
    auto w = JournalWriter::open(t.journal());
    w.append(1, "a");
    JournalWriter w2 = std::move(w);
    w2.append(2, "b");
    CHECK(w2.buffered() == 2 * 17);
    w2.sync();
    CHECK(recover(t.path()).records == std::vector<Record>{{1, "a"}, {2, "b"}});
}

TEST_CASE("torn tail: a cut anywhere inside the last record keeps the rest", "[journal]") {
    TempDir t;
    auto recs = make_records(20);
    recs.back().payload = std::string(100, 'x');  // a last record worth cutting many ways
    append_all(t.journal(), recs);
    const std::string good = read_file(t.journal());
    const auto offs = offsets_of(recs);
    const uint64_t last_start = offs[recs.size() - 1];
    REQUIRE(good.size() == offs.back());
    const auto expected = prefix(recs, recs.size() - 1);

    for (uint64_t cut = last_start; cut < good.size(); ++cut) {
        INFO("file cut to " << cut << " bytes");
        write_file(t.journal(), good.substr(0, cut));

        auto r = recover(t.path());
        REQUIRE(r.records == expected);
        CHECK(r.cut_bytes == cut - last_start);
        CHECK(fs::file_size(t.journal()) == last_start);
        if (cut == last_start) {
            CHECK(r.log.empty());
        } else {
            REQUIRE(r.log.size() == 1);
            const char* why = (cut - last_start < 16) ? "(short header)" : "(short payload)";
            CHECK(r.log[0] == "journal.log: cut " + std::to_string(cut - last_start) +
                                  " bytes of torn tail at offset " + std::to_string(last_start) +
                                  " " + why);
        }

        // Appending after recovery lands right after the good prefix.
        {
            auto w = JournalWriter::open(t.journal());
            CHECK(w.file_size() == last_start);
            w.append(recs.back().seq + 10, "after");
            w.sync();
        }
        auto r2 = recover(t.path());
        auto want = expected;
        want.push_back({recs.back().seq + 10, "after"});
        REQUIRE(r2.records == want);
        CHECK(r2.cut_bytes == 0);
        CHECK(r2.log.empty());
    }
}

TEST_CASE("a bad crc cuts that record and everything after it", "[journal]") {
    TempDir t;
    const auto recs = make_records(30);
    append_all(t.journal(), recs);
    const std::string good = read_file(t.journal());
    const auto offs = offsets_of(recs);
    const size_t bad = 12;
    REQUIRE_FALSE(recs[bad].payload.empty());

    // Flip a bit in the crc field, the seq field, and the first/last payload byte.
    const std::vector<uint64_t> flips = {offs[bad] + 4, offs[bad] + 8, offs[bad] + 16,
                                         offs[bad + 1] - 1};
    for (uint64_t at : flips) {
        INFO("bit flipped at offset " << at);
        std::string bytes = good;
        bytes[at] ^= 0x20;
        write_file(t.journal(), bytes);

        auto r = recover(t.path());
        CHECK(r.records == prefix(recs, bad));
        CHECK(r.cut_bytes == good.size() - offs[bad]);
        CHECK(fs::file_size(t.journal()) == offs[bad]);
        REQUIRE(r.log.size() == 1);
        CHECK(r.log[0] == "journal.log: cut " + std::to_string(good.size() - offs[bad]) +
                              " bytes of torn tail at offset " + std::to_string(offs[bad]) +
                              " (bad crc)");
    }
}

TEST_CASE("an absurd length is corruption", "[journal]") {
    TempDir t;
    const auto recs = make_records(10);
    append_all(t.journal(), recs);
    const std::string good = read_file(t.journal());
    const auto offs = offsets_of(recs);
    const size_t bad = 4;

    struct Case {
        uint32_t len;
        const char* reason;
    };
    const Case cases[] = {
        {0xFFFFFFFFu, "(bad length 4294967295)"},
        {kMaxRecordLen + 1, "(bad length 67108865)"},
        {0, "(bad length 0)"},
        {7, "(bad length 7)"},
        {kMaxRecordLen, "(short payload)"},  // legal size, but runs past the end of the file
    };
    for (const auto& c : cases) {
        INFO("len " << c.len);
        std::string bytes = good;
        put_u32_at(bytes, offs[bad], c.len);
        write_file(t.journal(), bytes);

        auto r = recover(t.path());
        CHECK(r.records == prefix(recs, bad));
        CHECK(fs::file_size(t.journal()) == offs[bad]);
        REQUIRE(r.log.size() == 1);
        CHECK_THAT(r.log[0], Catch::EndsWith(c.reason));
    }
}

TEST_CASE("a zero-filled tail (unsynced blocks after power loss) is cut", "[journal]") {
    TempDir t;
    const auto recs = make_records(5);
    append_all(t.journal(), recs);
    const std::string good = read_file(t.journal());
    write_file(t.journal(), good + std::string(4096, '\0'));

    auto r = recover(t.path());
    CHECK(r.records == recs);
    CHECK(r.cut_bytes == 4096);
    CHECK(fs::file_size(t.journal()) == good.size());
    REQUIRE(r.log.size() == 1);
    CHECK_THAT(r.log[0], Catch::EndsWith("(bad length 0)"));
}

TEST_CASE("a seq that does not increase is corruption", "[journal]") {
    TempDir t;
    const std::vector<Record> first = {{1, "a"}, {2, "b"}, {5, "c"}};
    append_all(t.journal(), first);
    const uint64_t good_size = fs::file_size(t.journal());

    SECTION("repeated seq") {
        append_all(t.journal(), {{5, "dup"}, {6, "d"}});  // a fresh writer cannot know 5 was used
        auto r = recover(t.path());
        CHECK(r.records == first);
        CHECK(fs::file_size(t.journal()) == good_size);
        REQUIRE(r.log.size() == 1);
        CHECK_THAT(r.log[0], Catch::EndsWith("(seq 5 not above 5)"));
    }
    SECTION("decreasing seq") {
        append_all(t.journal(), {{3, "back"}, {9, "d"}});
        auto r = recover(t.path());
        CHECK(r.records == first);
        CHECK(r.cut_bytes == 2 * 16 + 4 + 1);
        REQUIRE(r.log.size() == 1);
        CHECK_THAT(r.log[0], Catch::EndsWith("(seq 3 not above 5)"));
    }
}

TEST_CASE("append refuses records recovery would reject", "[journal]") {
    TempDir t;
    auto w = JournalWriter::open(t.journal());
    w.append(10, "x");
    const size_t before = w.buffered();
    CHECK_THROWS_AS(w.append(10, "same"), std::invalid_argument);
    CHECK_THROWS_AS(w.append(9, "less"), std::invalid_argument);
    CHECK_THROWS_AS(w.append(11, std::string(kMaxPayload + 1, 'z')), std::length_error);
    CHECK(w.buffered() == before);
    w.append(11, "ok");
    w.sync();
    CHECK(recover(t.path()).records == std::vector<Record>{{10, "x"}, {11, "ok"}});
}

TEST_CASE("snapshot plus journal: records the snapshot covers are skipped", "[journal][snapshot]") {
    TempDir t;
    const auto recs = make_records(40);
    append_all(t.journal(), recs);
    const uint64_t snap_seq = recs[24].seq;

    // Crash after the snapshot rename but before truncate_all().
    write_snapshot(t.path(), snap_seq, "state@25");
    auto r = recover(t.path());
    REQUIRE(r.snapshot);
    CHECK(r.snapshot->seq == snap_seq);
    CHECK(r.snapshot->bytes == "state@25");
    CHECK(r.records == std::vector<Record>(recs.begin() + 25, recs.end()));
    CHECK(r.cut_bytes == 0);
    CHECK(r.log.empty());

    // A snapshot newer than every record leaves nothing to replay.
    write_snapshot(t.path(), recs.back().seq + 100, "newer");
    r = recover(t.path());
    CHECK(r.snapshot->seq == recs.back().seq + 100);
    CHECK(r.records.empty());
    CHECK(fs::file_size(t.journal()) == offsets_of(recs).back());  // skipped, not cut
}

TEST_CASE("snapshot then truncate_all then more records", "[journal][snapshot]") {
    TempDir t;
    auto w = JournalWriter::open(t.journal());
    for (uint64_t s = 1; s <= 10; ++s) w.append(s, "r" + std::to_string(s));
    w.sync();
    REQUIRE(w.file_size() > 0);

    write_snapshot(t.path(), 10, "state@10");
    w.truncate_all();
    CHECK(w.file_size() == 0);
    CHECK(fs::file_size(t.journal()) == 0);

    auto r = recover(t.path());
    REQUIRE(r.snapshot);
    CHECK(r.snapshot->seq == 10);
    CHECK(r.records.empty());

    w.append(11, "r11");
    w.append(12, "r12");
    w.sync();
    CHECK(w.file_size() == 2 * (16 + 3));  // O_APPEND: written at the new end, no hole
    r = recover(t.path());
    CHECK(r.snapshot->bytes == "state@10");
    CHECK(r.records == std::vector<Record>{{11, "r11"}, {12, "r12"}});
}

TEST_CASE("truncate_all keeps records that are still buffered", "[journal]") {
    TempDir t;
    auto w = JournalWriter::open(t.journal());
    w.append(1, "one");
    w.sync();
    w.append(2, "two");
    w.truncate_all();
    CHECK(w.buffered() == 16 + 3);
    CHECK(fs::file_size(t.journal()) == 0);
    w.sync();
    CHECK(recover(t.path()).records == std::vector<Record>{{2, "two"}});
}

TEST_CASE("recover removes a leftover snapshot.bin.tmp", "[journal][snapshot]") {
    TempDir t;
    write_snapshot(t.path(), 3, "good");
    write_file(t.path() / kSnapshotTmpFile, "half-written");
    auto r = recover(t.path());
    CHECK_FALSE(fs::exists(t.path() / kSnapshotTmpFile));
    REQUIRE(r.snapshot);
    CHECK(r.snapshot->bytes == "good");
    REQUIRE(r.log.size() == 1);
    CHECK_THAT(r.log[0], Catch::StartsWith("snapshot.bin.tmp: removed"));
}

TEST_CASE("recover refuses a corrupt snapshot", "[journal][snapshot]") {
    TempDir t;
    append_all(t.journal(), make_records(5));
    write_snapshot(t.path(), 2, "state");
    std::string bytes = read_file(t.snapshot());
    bytes.back() ^= 1;
    write_file(t.snapshot(), bytes);
    CHECK_THROWS_WITH(recover(t.path()), Catch::Contains("bad crc"));
}

TEST_CASE("scan_journal reads bytes in memory exactly as recover reads the file", "[journal]") {
    TempDir t;
    const auto recs = make_records(30);
    append_all(t.journal(), recs);
    const std::string good = read_file(t.journal());
    const uint64_t snap_seq = recs[9].seq;

    auto whole = scan_journal(good);
    CHECK(whole.records == recs);
    CHECK(whole.good_bytes == good.size());
    CHECK(whole.stop_reason.empty());
    CHECK(scan_journal(good, snap_seq).records == std::vector<Record>(recs.begin() + 10, recs.end()));
    CHECK(scan_journal("").records.empty());

    // Damage in the middle: both stop at the same record, for the same reason.
    std::string bad = good;
    const uint64_t at = offsets_of(recs)[17];
    bad[at + 20] ^= 0x40;
    write_file(t.journal(), bad);
    write_snapshot(t.path(), snap_seq, "state");
    const auto r = recover(t.path());
    const auto scan = scan_journal(bad, snap_seq);
    CHECK(scan.records == r.records);
    CHECK(scan.good_bytes == at);
    CHECK(scan.stop_reason == "bad crc");
    REQUIRE(r.log.size() == 1);
    CHECK_THAT(r.log[0], Catch::Contains("at offset " + std::to_string(at) + " (bad crc)"));
}

TEST_CASE("I/O errors name the path and the operation", "[journal]") {
    TempDir t;
    const auto missing = t.path() / "no-such-dir" / kJournalFile;
    try {
        JournalWriter::open(missing);
        FAIL("open should have thrown");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::no_such_file_or_directory);
        CHECK_THAT(e.what(), Catch::Contains("open") && Catch::Contains(missing.string()));
    }

    // A journal.log that is a directory cannot be recovered.
    fs::create_directory(t.journal());
    CHECK_THROWS_AS(recover(t.path()), std::system_error);
}
