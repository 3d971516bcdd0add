#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tools/zmq-monitor/command_line.hpp"
#include "tools/zmq-monitor/endpoints.hpp"

using namespace p2p::monitor;

TEST_CASE("normalize_endpoint accepts tcp, ipc and bare IP:PORT") {
    CHECK(*normalize_endpoint("tcp://127.0.0.1:6001") == "tcp://127.0.0.1:6001");
    CHECK(*normalize_endpoint("tcp://tracker.example:6001") == "tcp://tracker.example:6001");
    CHECK(*normalize_endpoint("tcp://[::1]:6001") == "tcp://[::1]:6001");
    CHECK(*normalize_endpoint("ipc:///tmp/tracker.pub") == "ipc:///tmp/tracker.pub");
    CHECK(*normalize_endpoint("127.0.0.1:6001") == "tcp://127.0.0.1:6001");
    CHECK(*normalize_endpoint("localhost:6001") == "tcp://127.0.0.1:6001");
}

TEST_CASE("normalize_endpoint refuses what cannot be a tracker's PUB endpoint") {
    auto reason = [](const char* text) {
        auto r = normalize_endpoint(text);
        REQUIRE_FALSE(r.ok());
        return r.error();
    };
    CHECK_THAT(reason(""), Catch::Contains("empty endpoint"));
    CHECK_THAT(reason("127.0.0.1"), Catch::Contains("not IP:PORT"));
    CHECK_THAT(reason("127.0.0.1:0"), Catch::Contains("bad port"));
    CHECK_THAT(reason("127.0.0.1:70000"), Catch::Contains("bad port"));
    CHECK_THAT(reason("host:6001"), Catch::Contains("not an IPv4 address"));
    CHECK_THAT(reason("tcp://127.0.0.1"), Catch::Contains("want tcp://HOST:PORT"));
    CHECK_THAT(reason("tcp://127.0.0.1:x"), Catch::Contains("bad port 'x'"));
    CHECK_THAT(reason("tcp://127.0.0.1:"), Catch::Contains("bad port ''"));
    CHECK_THAT(reason("tcp://:6001"), Catch::Contains("want tcp://HOST:PORT"));
    CHECK_THAT(reason("tcp://*:6001"), Catch::Contains("for binding"));
    CHECK_THAT(reason("inproc://x"), Catch::Contains("transport 'inproc' not supported"));
    CHECK_THAT(reason("ipc://"), Catch::Contains("needs a path"));
    CHECK_THAT(reason("tcp://1.2.3.4:1 "), Catch::Contains("space"));
}

TEST_CASE("parse_command_line reads options and endpoints") {
    auto r = parse_command_line({"--json", "--topic", "group.", "--topic=user.bob", "--tracker-info", "ti.txt",
                                 "127.0.0.1:6001", "tcp://10.0.0.2:7001"});
    REQUIRE(r.ok());
    CHECK(r->json);
    CHECK_FALSE(r->help);
    CHECK(r->topics == std::vector<std::string>{"group.", "user.bob"});
    CHECK(r->tracker_info_files == std::vector<std::string>{"ti.txt"});
    CHECK(r->endpoints == std::vector<Target>{{"tcp://127.0.0.1:6001", ""}, {"tcp://10.0.0.2:7001", ""}});
    CHECK_FALSE(r->plain);

    auto plain = parse_command_line({"127.0.0.1:6001"});
    REQUIRE(plain.ok());
    CHECK_FALSE(plain->json);
    CHECK(plain->topics.empty());

    auto dashdash = parse_command_line({"--", "127.0.0.1:6001"});
    REQUIRE(dashdash.ok());
    CHECK(dashdash->endpoints.size() == 1);
}

TEST_CASE("parse_command_line errors") {
    auto reason = [](std::vector<std::string> args) {
        auto r = parse_command_line(args);
        REQUIRE_FALSE(r.ok());
        return r.error();
    };
    CHECK_THAT(reason({}), Catch::Contains("nothing to watch"));
    CHECK_THAT(reason({"--json"}), Catch::Contains("nothing to watch"));
    CHECK_THAT(reason({"--topic"}), Catch::Contains("--topic needs a value"));
    CHECK_THAT(reason({"--tracker-info"}), Catch::Contains("--tracker-info needs a value"));
    CHECK_THAT(reason({"--tracker-info="}), Catch::Contains("needs a file name"));
    CHECK_THAT(reason({"--verbose", "127.0.0.1:1"}), Catch::Contains("unknown option '--verbose'"));
    CHECK_THAT(reason({"--topics", "x", "127.0.0.1:1"}), Catch::Contains("unknown option '--topics'"));
    CHECK_THAT(reason({"nonsense"}), Catch::Contains("bad endpoint 'nonsense'"));
    CHECK_THAT(reason({"--", "--json"}), Catch::Contains("bad endpoint '--json'"));
}

TEST_CASE("--help wins over bad arguments") {
    auto r = parse_command_line({"--bogus", "--help"});
    REQUIRE(r.ok());
    CHECK(r->help);
    CHECK(std::string(usage_text()).rfind("usage: zmq-monitor", 0) == 0);
}

TEST_CASE("collect_endpoints adds tracker-info pub ports without duplicates") {
    const auto dir = std::filesystem::temp_directory_path() / "test_zmq_monitor_endpoints";
    std::filesystem::create_directories(dir);
    const auto file = dir / "ti.txt";
    {
        std::ofstream out(file);
        out << "# two trackers\n127.0.0.1:6000 pub=6001\n127.0.0.1:7000\n";
    }
    Options o;
    o.plain = true;
    o.endpoints = {{"tcp://127.0.0.1:6001", ""}};
    o.tracker_info_files = {file.string()};
    auto eps = collect_endpoints(o);
    REQUIRE(eps.ok());
    CHECK(*eps == std::vector<Target>{{"tcp://127.0.0.1:6001", ""}, {"tcp://127.0.0.1:7001", ""}});

    o.tracker_info_files = {(dir / "missing.txt").string()};
    auto missing = collect_endpoints(o);
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error(), Catch::Contains("cannot read"));

    {
        std::ofstream out(file);
        out << "127.0.0.1:6000 pub=nope\n";
    }
    o.tracker_info_files = {file.string()};
    auto bad = collect_endpoints(o);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error(), Catch::Contains("ti.txt:1:"));
    std::filesystem::remove_all(dir);
}

namespace {
// Two real Z85 keys (from zmq_curve_keypair), one per tracker.
const std::string kKeyA = "Jl8)jkQd>)Il+x#c&PL*UoN}G:RO$V}Owr1iwY?0";
const std::string kKeyB = "TC+SDk]%Koy)[lT<)/?3VdOVk08Fs78]RC@3Dlpv";
}  // namespace

TEST_CASE("KEY@ENDPOINT names the publisher's CURVE key") {
    auto t = parse_target(kKeyA + "@tcp://127.0.0.1:6001");
    REQUIRE(t.ok());
    CHECK(t->endpoint == "tcp://127.0.0.1:6001");
    CHECK(t->server_key == kKeyA);
    // kKeyB holds an '@' itself: the key is found by its length.
    auto bare = parse_target(kKeyB + "@127.0.0.1:6001");
    REQUIRE(bare.ok());
    CHECK(bare->endpoint == "tcp://127.0.0.1:6001");
    CHECK(bare->server_key == kKeyB);
    auto plain = parse_target("ipc:///tmp/x@y");
    REQUIRE(plain.ok());
    CHECK(plain->server_key.empty());
    auto bad = parse_target(std::string(40, '~') + "@tcp://127.0.0.1:6001");
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error(), Catch::Contains("bad server key"));
}

TEST_CASE("CURVE options and the keys each endpoint ends up with") {
    auto r = parse_command_line({"--key-dir", "/tmp/k", "--server-key", kKeyB, kKeyA + "@127.0.0.1:6001", "127.0.0.1:7001"});
    REQUIRE(r.ok());
    CHECK(r->key_dir == "/tmp/k");
    auto eps = collect_endpoints(*r);
    REQUIRE(eps.ok());
    CHECK(*eps == std::vector<Target>{{"tcp://127.0.0.1:6001", kKeyA}, {"tcp://127.0.0.1:7001", kKeyB}});

    auto keyless = parse_command_line({"127.0.0.1:6001", "ipc:///tmp/ev"});
    REQUIRE(keyless.ok());
    auto refused = collect_endpoints(*keyless);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error(), Catch::Contains("no CURVE server key for tcp://127.0.0.1:6001"));
    keyless->plain = true;
    CHECK(collect_endpoints(*keyless).ok());

    auto reason = [](std::vector<std::string> args) {
        auto bad = parse_command_line(args);
        REQUIRE_FALSE(bad.ok());
        return bad.error();
    };
    CHECK_THAT(reason({"--server-key", "short", "127.0.0.1:1"}), Catch::Contains("40-character Z85"));
    CHECK_THAT(reason({"--key-dir="}), Catch::Contains("needs a directory"));
}

TEST_CASE("collect_endpoints takes each tracker's key= from tracker-info") {
    const auto dir = std::filesystem::temp_directory_path() / "test_zmq_monitor_keys";
    std::filesystem::create_directories(dir);
    const auto file = dir / "ti.txt";
    {
        std::ofstream out(file);
        out << "127.0.0.1:6000 pub=6001 key=" << kKeyA << "\n127.0.0.1:7000 key=" << kKeyB << "\n";
    }
    Options o;
    o.tracker_info_files = {file.string()};
    o.endpoints = {{"tcp://127.0.0.1:6001", ""}};  // named twice: the key comes from the file
    auto eps = collect_endpoints(o);
    REQUIRE(eps.ok());
    CHECK(*eps == std::vector<Target>{{"tcp://127.0.0.1:6001", kKeyA}, {"tcp://127.0.0.1:7001", kKeyB}});
    std::filesystem::remove_all(dir);
}
