#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "node/files/path_checks.hpp"
#include "test_util.hpp"

using namespace p2p::files;
namespace fs = std::filesystem;
using namespace std::string_view_literals;

TEST_CASE("check_file_name accepts ordinary names", "[paths]") {
    for (std::string_view ok : {"a"sv, "movie.mkv"sv, "report final (2).pdf"sv, ".hidden"sv,
                                "..."sv, "a..b"sv, "naïve — ünïcode.txt"sv, "back\\slash"sv}) {
        INFO(ok);
        CHECK_FALSE(check_file_name(ok));
    }
    CHECK_FALSE(check_file_name(std::string(255, 'x')));
}

TEST_CASE("check_file_name rejects names unsafe to create", "[paths]") {
    const std::pair<std::string_view, std::string_view> bad[] = {
        {""sv, "is empty"},
        {"."sv, "'.' or '..'"},
        {".."sv, "'.' or '..'"},
        {"../x"sv, "'/'"},
        {"a/b"sv, "'/'"},
        {"/etc"sv, "'/'"},
        {"x/"sv, "'/'"},
        {"a\0b"sv, "NUL"},
        {"\0"sv, "NUL"},
        {"tab\there"sv, "control"},
        {"new\nline"sv, "control"},
        {"esc\x1b[31m"sv, "control"},
        {"del\x7f"sv, "control"},
        {" lead"sv, "white space"},
        {"trail "sv, "white space"},
        {" "sv, "white space"},
    };
    for (const auto& [name, why] : bad) {
        INFO("name of " << name.size() << " bytes: " << std::string(name));
        auto r = check_file_name(name);
        REQUIRE(r);
        CHECK_THAT(*r, Catch::Contains(std::string(why)));
    }
    auto too_long = check_file_name(std::string(256, 'x'));
    REQUIRE(too_long);
    CHECK_THAT(*too_long, Catch::Contains("256 bytes"));
}

TEST_CASE("check_dest_dir", "[paths]") {
    test::TempDir dir;
    SECTION("an existing writable directory, as its canonical path") {
        fs::create_directory(dir / "out");
        auto r = check_dest_dir((dir / "out" / ".." / "out").string());
        REQUIRE(r);
        CHECK(r.value() == fs::canonical(dir / "out"));
    }
    SECTION("a relative path becomes absolute") {
        const fs::path old = fs::current_path();
        fs::current_path(dir.path());
        fs::create_directory("rel");
        auto r = check_dest_dir("rel");
        fs::current_path(old);
        REQUIRE(r);
        CHECK(r->is_absolute());
        CHECK(r.value() == fs::canonical(dir / "rel"));
    }
    SECTION("missing") {
        auto r = check_dest_dir((dir / "nope").string());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::Contains("No such file or directory"));
    }
    SECTION("a file, not a directory") {
        test::write_file(dir / "f", "x");
        auto r = check_dest_dir((dir / "f").string());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::EndsWith("is not a directory"));
    }
    SECTION("empty, or with a NUL that would cut the path short") {
        CHECK_FALSE(check_dest_dir(""));
        const std::string with_nul = dir.path().string() + std::string("\0/../etc", 8);
        auto r = check_dest_dir(with_nul);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::Contains("NUL"));
    }
    SECTION("not writable") {
        fs::create_directory(dir / "ro");
        fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);  // 0500
        auto r = check_dest_dir((dir / "ro").string());
        if (::geteuid() == 0) {
            WARN("running as root: a 0500 directory is still writable for root, so the "
                 "not-writable refusal is not checked");
        } else {
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error(), Catch::EndsWith("is not writable"));
        }
    }
}

TEST_CASE("check_upload_path", "[paths]") {
    test::TempDir dir;
    SECTION("a regular file, canonical") {
        test::write_file(dir / "song.ogg", "ogg");
        auto r = check_upload_path((dir / "." / "song.ogg").string());
        REQUIRE(r);
        CHECK(r.value() == fs::canonical(dir / "song.ogg"));
    }
    SECTION("a symlink resolves to its target") {
        test::write_file(dir / "target.bin", "t");
        fs::create_symlink(dir / "target.bin", dir / "link");
        auto r = check_upload_path((dir / "link").string());
        REQUIRE(r);
        CHECK(r->filename() == "target.bin");
    }
    SECTION("missing") {
        auto r = check_upload_path((dir / "nope").string());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::Contains("No such file or directory"));
    }
    SECTION("a dangling symlink") {
        fs::create_symlink(dir / "gone", dir / "dangling");
        CHECK_FALSE(check_upload_path((dir / "dangling").string()));
    }
    SECTION("a directory") {
        auto r = check_upload_path(dir.path().string());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::EndsWith("is a directory"));
    }
    SECTION("a FIFO") {
        REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
        auto r = check_upload_path((dir / "fifo").string());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::EndsWith("is not a regular file"));
    }
    SECTION("a device") {
        auto r = check_upload_path("/dev/null");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::EndsWith("is not a regular file"));
    }
    SECTION("unreadable") {
        test::write_file(dir / "secret", "s");
        fs::permissions(dir / "secret", fs::perms::none);
        auto r = check_upload_path((dir / "secret").string());
        if (::geteuid() == 0) {
            WARN("running as root: mode 000 does not stop root reading, so not checked");
        } else {
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error(), Catch::EndsWith("is not readable"));
        }
    }
    SECTION("a name other peers would refuse") {
        test::write_file(dir / "ends with space ", "x");
        auto r = check_upload_path((dir / "ends with space ").string());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::Contains("cannot be shared"));
    }
    SECTION("empty, or with a NUL") {
        CHECK_FALSE(check_upload_path(""));
        test::write_file(dir / "a", "x");
        auto r = check_upload_path((dir / "a").string() + std::string("\0zzz", 4));
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error(), Catch::Contains("NUL"));
    }
}
