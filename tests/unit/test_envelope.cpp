#include <catch2/catch.hpp>

#include "messages/envelope.hpp"
#include "messages/limits.hpp"
#include "messages/tracker_events.hpp"
#include "messages/tracker_protocol.hpp"

using namespace p2p;

namespace {
std::string packed(const auto& value) {
    msgpack::sbuffer buf;
    msgpack::pack(buf, value);
    return std::string(buf.data(), buf.size());
}
}  // namespace

TEST_CASE("envelope round-trips every field of a message") {
    msg::Login login{"alice", "s3cret pass", "node-1", "127.0.0.1:7000"};
    const std::string bytes = encode(42, login);
    auto env = decode_envelope(bytes);
    REQUIRE(env.ok());
    CHECK(env->kind() == Kind::Login);
    CHECK(env->request_id() == 42);
    auto back = env->as<msg::Login>();
    REQUIRE(back.ok());
    CHECK(back->user == "alice");
    CHECK(back->password == "s3cret pass");
    CHECK(back->node_id == "node-1");
    CHECK(back->endpoint == "127.0.0.1:7000");
}

TEST_CASE("nested lists round-trip") {
    msg::GroupList list{{{"g1", "alice", 3, "owner"}, {"g2", "bob", 1, ""}}};
    auto env = decode_envelope(encode(7, list));
    REQUIRE(env.ok());
    auto back = env->as<msg::GroupList>();
    REQUIRE(back.ok());
    REQUIRE(back->groups.size() == 2);
    CHECK(back->groups[0].name == "g1");
    CHECK(back->groups[0].members == 3);
    CHECK(back->groups[1].owner == "bob");
}

TEST_CASE("binary strings survive byte for byte") {
    std::string raw(256, '\0');
    for (int i = 0; i < 256; ++i) raw[i] = static_cast<char>(i);
    auto env = decode_envelope(encode(1, msg::Error{"x", raw}));
    REQUIRE(env.ok());
    CHECK(env->as<msg::Error>()->text == raw);
}

TEST_CASE("missing fields take their defaults, unknown fields are ignored") {
    // A newer peer may add fields; an older one may omit them.
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_array(3);
    pk.pack(static_cast<uint16_t>(Kind::Hello));
    pk.pack(5);
    pk.pack_map(2);
    pk.pack(std::string("node_id"));
    pk.pack(std::string("n1"));
    pk.pack(std::string("future_field"));
    pk.pack(123);
    auto env = decode_envelope(buf.data(), buf.size());
    REQUIRE(env.ok());
    auto hello = env->as<msg::Hello>();
    REQUIRE(hello.ok());
    CHECK(hello->node_id == "n1");
    CHECK(hello->protocol == msg::kProtocolVersion);
}

TEST_CASE("malformed input is a Failure, never a crash") {
    SECTION("empty") { CHECK_FALSE(decode_envelope("").ok()); }
    SECTION("random bytes") {
        for (int seed = 0; seed < 2000; ++seed) {
            std::string junk(static_cast<std::size_t>(seed % 97), '\0');
            uint32_t x = static_cast<uint32_t>(seed) * 2654435761u + 1;
            for (auto& c : junk) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                c = static_cast<char>(x);
            }
            auto env = decode_envelope(junk);
            // Random bytes may decode by chance; either way they must not crash
            // and a refusal must say why.
            if (env.ok()) {
                auto login = env->as<msg::Login>();
                if (!login.ok()) CHECK_FALSE(login.error().empty());
            } else {
                CHECK_FALSE(env.error().empty());
            }
        }
    }
    SECTION("truncated at every length") {
        const std::string good = encode(9, msg::Login{"alice", "pw", "n", "127.0.0.1:1"});
        for (std::size_t n = 0; n < good.size(); ++n) {
            CHECK_FALSE(decode_envelope(good.substr(0, n)).ok());
        }
    }
    SECTION("trailing bytes") { CHECK_FALSE(decode_envelope(encode(1, msg::Ok{"x"}) + "z").ok()); }
    SECTION("not an array") { CHECK_FALSE(decode_envelope(packed(std::string("hello"))).ok()); }
    SECTION("array of wrong length") { CHECK_FALSE(decode_envelope(packed(std::vector<int>{1, 2})).ok()); }
    SECTION("unknown kind") {
        auto r = decode_envelope(packed(std::make_tuple(9999, 1, std::map<std::string, int>{})));
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains("unknown message kind 9999"));
    }
    SECTION("negative request id") {
        CHECK_FALSE(decode_envelope(packed(std::make_tuple(1, -1, std::map<std::string, int>{}))).ok());
    }
    SECTION("body not a map") { CHECK_FALSE(decode_envelope(packed(std::make_tuple(1, 1, 5))).ok()); }
    SECTION("field of the wrong type") {
        auto env = decode_envelope(
            packed(std::make_tuple(static_cast<int>(Kind::Login), 1, std::map<std::string, int>{{"user", 5}})));
        REQUIRE(env.ok());
        auto login = env->as<msg::Login>();
        REQUIRE_FALSE(login.ok());
        CHECK_THAT(login.error(), Catch::Contains("malformed Login"));
    }
    SECTION("kind mismatch") {
        auto env = decode_envelope(encode(1, msg::Ok{"x"}));
        REQUIRE(env.ok());
        CHECK_FALSE(env->as<msg::Login>().ok());
    }
    SECTION("oversized string length claims") {
        // A str32 header claiming 2 GiB with 3 bytes behind it.
        std::string bad = packed(std::make_tuple(1, 1));
        bad[0] = static_cast<char>(0x93);
        bad += std::string("\xdb\x7f\xff\xff\xff" "abc", 8);
        CHECK_FALSE(decode_envelope(bad).ok());
    }
    SECTION("oversized map is refused before allocation") {
        msgpack::sbuffer buf;
        msgpack::packer<msgpack::sbuffer> pk(buf);
        pk.pack_array(3);
        pk.pack(1);
        pk.pack(1);
        pk.pack_map(100000);
        for (int i = 0; i < 100000; ++i) {
            pk.pack(i);
            pk.pack(i);
        }
        CHECK_FALSE(decode_envelope(buf.data(), buf.size()).ok());
    }
    SECTION("deep nesting") {
        std::string deep(100, '\x91');  // 100 nested one-element arrays
        deep += '\x01';
        CHECK_FALSE(decode_envelope(deep).ok());
    }
}

TEST_CASE("a string sent as bin decodes only if it can be sent on as a str") {
    // [Login, 1, {endpoint: bin(n)}]. A bin of more than kMaxString bytes used
    // to decode into Login.endpoint; the tracker journaled it as a str and then
    // refused to start on its own journal ("str size overflow").
    const auto login_with_bin_endpoint = [](std::size_t n) {
        msgpack::sbuffer buf;
        msgpack::packer<msgpack::sbuffer> pk(buf);
        pk.pack_array(3);
        pk.pack(static_cast<uint16_t>(Kind::Login));
        pk.pack(1);
        pk.pack_map(1);
        pk.pack(std::string("endpoint"));
        const std::string bytes(n, 'e');
        pk.pack_bin(static_cast<uint32_t>(n));
        pk.pack_bin_body(bytes.data(), static_cast<uint32_t>(n));
        return std::string(buf.data(), buf.size());
    };
    SECTION("up to kMaxString: decodes, and so does its re-encoding") {
        auto env = decode_envelope(login_with_bin_endpoint(limits::kMaxString));
        REQUIRE(env.ok());
        auto login = env->as<msg::Login>();
        REQUIRE(login.ok());
        auto again = decode_envelope(encode(1, *login));
        REQUIRE(again.ok());
        CHECK(again->as<msg::Login>()->endpoint == login->endpoint);
    }
    SECTION("one byte more: refused like a str of that size") {
        auto env = decode_envelope(login_with_bin_endpoint(limits::kMaxString + 1));
        REQUIRE_FALSE(env.ok());
        CHECK_THAT(env.error(), Catch::Contains("bin size overflow"));
    }
}

TEST_CASE("events encode with their topic") {
    CHECK(msg::group_topic("g1") == "group.g1");
    CHECK(msg::user_topic("bob") == "user.bob");
    auto env = decode_envelope(encode(0, msg::TrackerEvent{msg::event::kJoinRequested, "g1", "bob", ""}));
    REQUIRE(env.ok());
    CHECK(env->as<msg::TrackerEvent>()->type == "join_requested");
}
