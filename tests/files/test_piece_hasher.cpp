#include <catch2/catch.hpp>

#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/files/piece_hasher.hpp"
#include "test_util.hpp"

using namespace p2p::files;
namespace fs = std::filesystem;

namespace {

// The expected metadata, computed the obvious way: one range at a time.
FileMeta expected_meta(const std::string& name, const std::string& data, uint32_t piece_size) {
    FileMeta m;
    m.name = name;
    m.size = data.size();
    m.piece_size = piece_size;
    std::string all;
    for (std::size_t at = 0; at < data.size(); at += piece_size) {
        m.piece_hashes.push_back(test::ref_sha256(std::string_view(data).substr(at, piece_size)));
        all += m.piece_hashes.back();
    }
    m.file_id = test::ref_sha256(all);
    return m;
}

// Sets mtime well into the past so that any write during the test moves it,
// even with a coarse file system clock.
void age_file(const fs::path& p) {
    struct timespec times[2] = {{1'000'000'000, 0}, {1'000'000'000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("hash_file matches independently computed piece hashes", "[hasher]") {
    test::TempDir dir;
    const uint64_t P = kPieceSize;
    const auto [label, size] = GENERATE_COPY(table<const char*, uint64_t>({
        {"0 bytes", 0},
        {"1 byte", 1},
        {"exactly 1 piece", P},
        {"1 piece + 1 byte", P + 1},
        {"3.5 pieces", 3 * P + P / 2},
        {"exactly 4 pieces", 4 * P},
    }));
    const unsigned threads = GENERATE(1u, 2u, 4u);
    INFO(label << " with " << threads << " thread(s)");
    const std::string data = test::random_bytes(size, size);
    const fs::path file = dir / "data.bin";
    test::write_file(file, data);

    auto meta = hash_file(file, kPieceSize, threads);
    REQUIRE(meta);
    const FileMeta want = expected_meta("data.bin", data, kPieceSize);
    CHECK(meta->piece_hashes.size() == num_pieces(size, kPieceSize));
    CHECK(meta.value() == want);
    CHECK(check_meta(meta.value()));
    if (size == 0) CHECK(meta->file_id == test::ref_sha256(""));
}

TEST_CASE("many small pieces: 1, 3 and 4 threads agree with the reference", "[hasher]") {
    test::TempDir dir;
    const std::string data = test::random_bytes(101 * kMinPieceSize + 777, 99);
    const fs::path file = dir / "many.bin";
    test::write_file(file, data);
    const FileMeta want = expected_meta("many.bin", data, kMinPieceSize);
    for (unsigned threads : {1u, 3u, 4u, 0u, 1000u}) {
        INFO(threads << " threads");
        auto meta = hash_file(file, kMinPieceSize, threads);
        REQUIRE(meta);
        CHECK(meta.value() == want);
    }
}

TEST_CASE("progress runs on the calling thread, grows, and ends at the total", "[hasher]") {
    test::TempDir dir;
    const std::string data = test::random_bytes(40 * kMinPieceSize + 5, 3);
    test::write_file(dir / "p.bin", data);
    const auto caller = std::this_thread::get_id();
    std::vector<std::pair<uint64_t, uint64_t>> calls;
    bool on_caller = true;
    auto meta = hash_file(dir / "p.bin", kMinPieceSize, 4, [&](uint64_t done, uint64_t total) {
        on_caller = on_caller && std::this_thread::get_id() == caller;
        calls.emplace_back(done, total);
    });
    REQUIRE(meta);
    CHECK(on_caller);
    REQUIRE_FALSE(calls.empty());
    CHECK(calls.back() == std::make_pair(uint64_t{data.size()}, uint64_t{data.size()}));
    for (std::size_t i = 1; i < calls.size(); ++i) CHECK(calls[i].first > calls[i - 1].first);

    calls.clear();
    test::write_file(dir / "empty", "");
    REQUIRE(hash_file(dir / "empty", kPieceSize, 2, [&](uint64_t d, uint64_t t) {
        calls.emplace_back(d, t);
    }));
    CHECK(calls == std::vector<std::pair<uint64_t, uint64_t>>{{0, 0}});
}

TEST_CASE("hash_file refuses what it cannot hash", "[hasher]") {
    test::TempDir dir;
    SECTION("missing file") {
        auto r = hash_file(dir / "nope");
        REQUIRE_FALSE(r);
        CHECK(r.error() == "cannot read " + (dir / "nope").string() + ": No such file or directory");
    }
    SECTION("a directory") {
        auto r = hash_file(dir.path());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::StartsWith("cannot read ") && Catch::EndsWith(": is a directory"));
    }
    SECTION("a FIFO, without blocking on it") {
        REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
        auto r = hash_file(dir / "fifo");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::EndsWith("not a regular file"));
    }
    SECTION("a device") {
        auto r = hash_file("/dev/null");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::EndsWith("not a regular file"));
    }
    SECTION("unreadable") {
        test::write_file(dir / "secret", "x");
        fs::permissions(dir / "secret", fs::perms::none);
        auto r = hash_file(dir / "secret");
        if (::geteuid() == 0) {
            WARN("running as root: mode 000 does not stop root reading, so not checked");
        } else {
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error(), Catch::EndsWith("Permission denied"));
        }
    }
    SECTION("bad piece sizes") {
        test::write_file(dir / "f", "x");
        for (uint32_t ps : {0u, 1u, 8u * 1024, kPieceSize + 1, 32u * 1024 * 1024}) {
            auto r = hash_file(dir / "f", ps);
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error(), Catch::StartsWith("piece size"));
        }
    }
}

TEST_CASE("a file that changes while being hashed is refused", "[hasher]") {
    test::TempDir dir;
    const fs::path file = dir / "moving.bin";
    test::write_file(file, test::random_bytes(8 * kMinPieceSize, 5));
    age_file(file);
    // With one thread, progress runs between pieces: a hook to change the file
    // at a known point.
    std::function<void()> change;
    bool changed = false;
    auto progress = [&](uint64_t, uint64_t) {
        if (!changed) {
            changed = true;
            change();
        }
    };
    std::string expect;
    SECTION("shrinks") {
        change = [&] { fs::resize_file(file, 2 * kMinPieceSize); };
        expect = "file shrank while being hashed";
    }
    SECTION("grows") {
        change = [&] { fs::resize_file(file, 9 * kMinPieceSize); };
        expect = "file changed while being hashed";
    }
    SECTION("rewritten in place, same size") {
        change = [&] {
            const int fd = ::open(file.c_str(), O_WRONLY);
            REQUIRE(fd >= 0);
            REQUIRE(::pwrite(fd, "!", 1, 0) == 1);
            ::close(fd);
        };
        expect = "file changed while being hashed";
    }
    auto r = hash_file(file, kMinPieceSize, 1, progress);
    REQUIRE(changed);
    REQUIRE_FALSE(r);
    CHECK(r.error() == "cannot read " + file.string() + ": " + expect);
}

TEST_CASE("an exception from progress fails the hash instead of escaping", "[hasher]") {
    test::TempDir dir;
    test::write_file(dir / "f", test::random_bytes(10 * kMinPieceSize, 1));
    auto r = hash_file(dir / "f", kMinPieceSize, 3,
                       [](uint64_t, uint64_t) { throw std::runtime_error("cancelled"); });
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error(), Catch::EndsWith(": cancelled"));
}

TEST_CASE("the name is the base name, and a path ending in .. is a directory", "[hasher]") {
    test::TempDir dir;
    fs::create_directory(dir / "sub");
    test::write_file(dir / "sub" / "report final.pdf", "pdf");
    auto r = hash_file(dir / "sub" / ".." / "sub" / "report final.pdf");
    REQUIRE(r);
    CHECK(r->name == "report final.pdf");
    CHECK_FALSE(hash_file(dir / "sub" / ".."));
}
