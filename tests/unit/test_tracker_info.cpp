// tracker_info.txt parsing (messages/tracker_info.hpp) and the name and
// password rules (messages/names.hpp).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "messages/names.hpp"
#include "messages/tracker_info.hpp"

using namespace p2p;

namespace {

constexpr const char* kFile = "tracker_info.txt";

std::vector<TrackerAddress> parse_ok(std::string_view text) {
    auto r = parse_tracker_info(text, kFile);
    INFO("text: " << text);
    INFO("error: " << (r.ok() ? std::string() : r.error()));
    REQUIRE(r.ok());
    return *r;
}

std::string parse_error(std::string_view text) {
    auto r = parse_tracker_info(text, kFile);
    INFO("text: " << text);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("tracker_info: tracker lines", "[tracker_info]") {
    SECTION("one line") {
        auto t = parse_ok("10.0.0.1:6000");
        REQUIRE(t.size() == 1);
        CHECK(t[0].host == "10.0.0.1");
        CHECK(t[0].port == 6000);
        CHECK(t[0].pub_port == 6001);
        CHECK(t[0].extra.empty());
        CHECK(t[0].rpc_endpoint() == "tcp://10.0.0.1:6000");
        CHECK(t[0].pub_endpoint() == "tcp://10.0.0.1:6001");
        CHECK(t[0].label() == "10.0.0.1:6000");
    }
    SECTION("several lines keep file order") {
        auto t = parse_ok("10.0.0.1:6000\n10.0.0.2:6100\n192.168.1.9:7000\n");
        REQUIRE(t.size() == 3);
        CHECK(t[0].label() == "10.0.0.1:6000");
        CHECK(t[1].label() == "10.0.0.2:6100");
        CHECK(t[2].label() == "192.168.1.9:7000");
    }
    SECTION("localhost means 127.0.0.1") {
        auto t = parse_ok("localhost:5555");
        REQUIRE(t.size() == 1);
        CHECK(t[0].host == "127.0.0.1");
        CHECK(t[0].rpc_endpoint() == "tcp://127.0.0.1:5555");
    }
    SECTION("port bounds 1 and 65535 (the latter with explicit pub and repl)") {
        auto t = parse_ok("1.2.3.4:1\n1.2.3.4:65535 pub=65534 repl=65533");
        REQUIRE(t.size() == 2);
        CHECK(t[0].port == 1);
        CHECK(t[0].pub_port == 2);
        CHECK(t[1].port == 65535);
        CHECK(t[1].pub_port == 65534);
        CHECK(t[1].repl_port == 65533);
    }
}

TEST_CASE("tracker_info: the replication port", "[tracker_info]") {
    SECTION("defaults to PORT+2") {
        auto t = parse_ok("10.0.0.1:6000");
        CHECK(t[0].repl_port == 6002);
        CHECK(t[0].repl_endpoint() == "tcp://10.0.0.1:6002");
    }
    SECTION("repl= overrides it and is not kept in extra") {
        auto t = parse_ok("10.0.0.1:6000 repl=7100");
        CHECK(t[0].repl_port == 7100);
        CHECK(t[0].extra.count("repl") == 0);
    }
    SECTION("no room above 65533 without repl=") {
        CHECK(parse_error("10.0.0.1:65534 pub=100").find("repl=") != std::string::npos);
    }
    SECTION("repl may not reuse the request or pub port") {
        CHECK(parse_error("10.0.0.1:6000 repl=6001").find("repl port equals") != std::string::npos);
        CHECK(parse_error("10.0.0.1:6000 repl=6000").find("repl port equals") != std::string::npos);
        CHECK(parse_error("10.0.0.1:6000 repl=0").find("repl: bad port") != std::string::npos);
    }
}

TEST_CASE("tracker_info: comments, blank lines and CRLF are ignored", "[tracker_info]") {
    SECTION("whole-line and trailing comments") {
        auto t = parse_ok("# trackers of the lab\n10.0.0.1:6000   # the first\n#10.0.0.9:1\n10.0.0.2:6000#tight\n");
        REQUIRE(t.size() == 2);
        CHECK(t[0].label() == "10.0.0.1:6000");
        CHECK(t[1].label() == "10.0.0.2:6000");
        CHECK(t[0].extra.empty());
    }
    SECTION("blank and whitespace-only lines, tabs and indentation") {
        auto t = parse_ok("\n\n   \n\t10.0.0.1:6000\t pub=7000 \n\n");
        REQUIRE(t.size() == 1);
        CHECK(t[0].pub_port == 7000);
    }
    SECTION("CRLF line ends") {
        auto t = parse_ok("# win\r\n10.0.0.1:6000\r\n\r\n10.0.0.2:6000 pub=6500\r\n");
        REQUIRE(t.size() == 2);
        CHECK(t[0].port == 6000);
        CHECK(t[0].pub_port == 6001);
        CHECK(t[1].pub_port == 6500);
    }
    SECTION("no newline at the end") {
        auto t = parse_ok("10.0.0.1:6000\n10.0.0.2:6000");
        CHECK(t.size() == 2);
    }
    SECTION("line numbers count blank and comment lines") {
        CHECK(starts_with(parse_error("# c\n\n10.0.0.1:6000\r\n\r\nbad\n"), "tracker_info.txt:5: "));
    }
}

TEST_CASE("tracker_info: pub= and other keys", "[tracker_info]") {
    SECTION("pub= overrides PORT+1") {
        auto t = parse_ok("10.0.0.1:6000 pub=9000");
        CHECK(t[0].pub_port == 9000);
        CHECK(t[0].pub_endpoint() == "tcp://10.0.0.1:9000");
        CHECK(t[0].extra.empty());
    }
    SECTION("unknown key=value words are kept in extra, pub is not") {
        auto t = parse_ok("10.0.0.1:6000 curve=abc123 pub=9000 zone=");
        REQUIRE(t[0].extra.size() == 2);
        CHECK(t[0].extra.at("curve") == "abc123");
        CHECK(t[0].extra.at("zone") == "");
        CHECK(t[0].extra.count("pub") == 0);
    }
    SECTION("a value may contain '='") {
        auto t = parse_ok("10.0.0.1:6000 note=a=b");
        CHECK(t[0].extra.at("note") == "a=b");
    }
}

TEST_CASE("tracker_info: errors name the file and the line", "[tracker_info]") {
    // The bad line is always line 3, after a good line and a comment.
    auto error_on_line_3 = [](const std::string& bad_line) {
        auto e = parse_error("10.0.0.1:6000\n# comment\n" + bad_line + "\n10.0.0.2:6000\n");
        INFO("line: '" << bad_line << "' -> " << e);
        CHECK(starts_with(e, "tracker_info.txt:3: "));
        return e;
    };

    SECTION("missing port") {
        CHECK_THAT(error_on_line_3("10.0.0.1:"), Catch::Contains("bad port"));
        CHECK_THAT(error_on_line_3("10.0.0.1"), Catch::Contains("not IP:PORT"));
    }
    SECTION("port out of range or not a number") {
        CHECK_THAT(error_on_line_3("10.0.0.1:0"), Catch::Contains("bad port '0'"));
        CHECK_THAT(error_on_line_3("10.0.0.1:70000"), Catch::Contains("bad port '70000'"));
        CHECK_THAT(error_on_line_3("10.0.0.1:65536"), Catch::Contains("bad port"));
        CHECK_THAT(error_on_line_3("10.0.0.1:http"), Catch::Contains("bad port 'http'"));
        CHECK_THAT(error_on_line_3("10.0.0.1:60x"), Catch::Contains("bad port"));
        CHECK_THAT(error_on_line_3("10.0.0.1:-1"), Catch::Contains("bad port"));
        CHECK_THAT(error_on_line_3("10.0.0.1:99999999999999999999"), Catch::Contains("bad port"));
    }
    SECTION("bad IP") {
        CHECK_THAT(error_on_line_3("300.1.1.1:6000"), Catch::Contains("'300.1.1.1' is not an IPv4 address"));
        CHECK_THAT(error_on_line_3("tracker.example.org:6000"), Catch::Contains("not an IPv4 address"));
        CHECK_THAT(error_on_line_3(":6000"), Catch::Contains("not an IPv4 address"));
    }
    SECTION("host and port without a colon") {
        CHECK_THAT(error_on_line_3("10.0.0.1 6000"), Catch::Contains("'10.0.0.1' is not IP:PORT"));
        CHECK_THAT(error_on_line_3("10.0.0.16000"), Catch::Contains("is not IP:PORT"));
    }
    SECTION("a word that is not key=value") {
        CHECK_THAT(error_on_line_3("10.0.0.1:6000 primary"), Catch::Contains("expected key=value, got 'primary'"));
        CHECK_THAT(error_on_line_3("10.0.0.1:6000 =x"), Catch::Contains("expected key=value"));
    }
    SECTION("bad pub") {
        CHECK_THAT(error_on_line_3("10.0.0.1:6000 pub=6000"), Catch::Contains("pub port equals the request port"));
        CHECK_THAT(error_on_line_3("10.0.0.1:6000 pub=0"), Catch::Contains("pub: bad port"));
        CHECK_THAT(error_on_line_3("10.0.0.1:6000 pub="), Catch::Contains("pub: bad port"));
        CHECK_THAT(error_on_line_3("10.0.0.1:6000 pub=70000"), Catch::Contains("pub: bad port"));
    }
    SECTION("port 65535 without pub= leaves no room for PORT+1") {
        CHECK_THAT(error_on_line_3("10.0.0.1:65535"), Catch::Contains("pub="));
    }
}

TEST_CASE("tracker_info: a file with no tracker fails clearly", "[tracker_info]") {
    CHECK(parse_error("") == "tracker_info.txt: no tracker listed");
    CHECK(parse_error("\n\n") == "tracker_info.txt: no tracker listed");
    CHECK(parse_error("# only\n  # comments\r\n") == "tracker_info.txt: no tracker listed");
}

TEST_CASE("load_tracker_info: reads a file and names it in errors", "[tracker_info]") {
    const auto dir = std::filesystem::temp_directory_path() / ("p2p-unit-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "tracker_info.txt";

    SECTION("a missing file fails with its path") {
        const auto missing = dir / "nope" / "tracker_info.txt";
        auto r = load_tracker_info(missing);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains(missing.string()));
    }
    SECTION("a file on disk parses like the text") {
        {
            std::ofstream out(path);
            out << "# lab\n127.0.0.1:6000\nlocalhost:6100 pub=6200\n";
        }
        auto r = load_tracker_info(path);
        REQUIRE(r.ok());
        REQUIRE(r->size() == 2);
        CHECK((*r)[1].host == "127.0.0.1");
        CHECK((*r)[1].pub_port == 6200);
    }
    SECTION("parse errors carry the file's path and line") {
        {
            std::ofstream out(path);
            out << "127.0.0.1:6000\n127.0.0.1:0\n";
        }
        auto r = load_tracker_info(path);
        REQUIRE_FALSE(r.ok());
        CHECK(starts_with(r.error(), path.string() + ":2: "));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("parse_host_port", "[tracker_info]") {
    SECTION("valid") {
        auto r = parse_host_port("192.168.0.10:8080");
        REQUIRE(r.ok());
        CHECK(r->first == "192.168.0.10");
        CHECK(r->second == 8080);
        auto l = parse_host_port("localhost:1");
        REQUIRE(l.ok());
        CHECK(l->first == "127.0.0.1");
        CHECK(l->second == 1);
        auto top = parse_host_port("0.0.0.0:65535");
        REQUIRE(top.ok());
        CHECK(top->second == 65535);
    }
    SECTION("invalid") {
        for (const char* bad : {"", ":", "1.2.3.4", "1.2.3.4:", ":80", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:8o",
                                "1.2.3.4: 80", "300.1.1.1:80", "1.2.3:80", "1.2.3.4.5:80", "::1:80", "host:80",
                                "1.2.3.4:80:90"}) {
            INFO("'" << bad << "'");
            CHECK_FALSE(parse_host_port(bad).ok());
        }
    }
    SECTION("a NUL byte does not hide the rest of the host (found by fuzz_tracker_info)") {
        using namespace std::string_literals;
        CHECK_FALSE(parse_host_port("127.0.0.1\0junk:6000"s).ok());
        CHECK_FALSE(parse_host_port("127.0.0.1\0:6000"s).ok());
        CHECK_THAT(parse_error("127.0.0.1\0\0\0:6000\n"s), Catch::Contains("tracker_info.txt:1:"));
    }
}

TEST_CASE("check_name: letters, digits, '.', '_' and '-', 1 to 64 of them", "[names]") {
    SECTION("valid") {
        CHECK_FALSE(check_name("user", "a").has_value());
        CHECK_FALSE(check_name("user", std::string(64, 'z')).has_value());
        CHECK_FALSE(check_name("user", "Alice_2.0-beta").has_value());
        CHECK_FALSE(check_name("user", "...").has_value());
        CHECK_FALSE(check_name("user", ".hidden").has_value());
    }
    SECTION("empty") {
        auto e = check_name("user", "");
        REQUIRE(e);
        CHECK(*e == "user name is empty");
    }
    SECTION("65 characters") {
        auto e = check_name("group", std::string(65, 'z'));
        REQUIRE(e);
        CHECK_THAT(*e, Catch::StartsWith("group name is longer than 64"));
    }
    SECTION("forbidden characters, each reported with what was named") {
        for (const std::string& bad : {std::string("a/b"), std::string("a b"), std::string("a\tb"), std::string("a:b"),
                                      std::string("\xc3\xa9"), std::string("a\\b"), std::string("a\0b", 3),
                                      std::string("a#b")}) {
            INFO(bad);
            auto e = check_name("group", bad);
            REQUIRE(e);
            CHECK_THAT(*e, Catch::StartsWith("group name may only contain"));
        }
    }
    SECTION(". and ..") {
        for (const char* dots : {".", ".."}) {
            auto e = check_name("user", dots);
            REQUIRE(e);
            CHECK_THAT(*e, Catch::Contains("'.' or '..'"));
        }
    }
}

TEST_CASE("check_password: 1 to 256 bytes of anything", "[names]") {
    CHECK_FALSE(check_password("x").has_value());
    CHECK_FALSE(check_password(std::string(256, 'p')).has_value());
    CHECK_FALSE(check_password("spaces and \xc3\xa9 and \t tabs").has_value());
    CHECK_FALSE(check_password(std::string("nul\0inside", 10)).has_value());

    auto empty = check_password("");
    REQUIRE(empty);
    CHECK(*empty == "password is empty");
    auto longer = check_password(std::string(257, 'p'));
    REQUIRE(longer);
    CHECK_THAT(*longer, Catch::Contains("256 bytes"));
    // 129 two-byte characters are 258 bytes: the limit is in bytes.
    std::string wide;
    for (int i = 0; i < 129; ++i) wide += "\xc3\xa9";
    CHECK(check_password(wide).has_value());
}

TEST_CASE("tracker_info: key= is the tracker's CURVE public key", "[tracker_info]") {
    const std::string good = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    auto t = parse_ok("10.0.0.1:6000 key=" + good);
    CHECK(t[0].key == good);
    CHECK(t[0].extra.count("key") == 0);
    CHECK(parse_ok("10.0.0.1:6000")[0].key.empty());
    CHECK(parse_error("10.0.0.1:6000 key=short").find("key= is not a CURVE public key") != std::string::npos);
    CHECK(parse_error("10.0.0.1:6000 key=" + good + "x").find("key= is not") != std::string::npos);
}

TEST_CASE("tracker_info: a '#' inside key= is part of the key, elsewhere a comment", "[tracker_info]") {
    const std::string hashy = "0123456789abcdefghijklmnopqrstuvwxyz#ABC";
    REQUIRE(hashy.size() == 40);
    auto t = parse_ok("10.0.0.1:6000 key=" + hashy + " # a comment\n10.0.0.2:6000 #key=nope\n");
    REQUIRE(t.size() == 2);
    CHECK(t[0].key == hashy);
    CHECK(t[1].key.empty());
}
