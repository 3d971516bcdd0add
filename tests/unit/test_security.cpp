// Keys and what is bound to them: CURVE key files, sessions bound to the
// node's key, tickets and sources naming keys.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "actors/curve.hpp"
#include "machine_fixture.hpp"

using namespace p2p;
using namespace p2p::tracker;
using namespace p2p::tracker::testing;

namespace {

std::filesystem::path fresh_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("curve keys: valid Z85 keys only", "[security]") {
    const auto keys = actors::generate_curve_keys();
    CHECK(actors::valid_curve_key(keys.public_key));
    CHECK(actors::valid_curve_key(keys.secret_key));
    CHECK(keys.public_key != keys.secret_key);
    CHECK_FALSE(actors::valid_curve_key(""));
    CHECK_FALSE(actors::valid_curve_key(keys.public_key.substr(1)));
    CHECK_FALSE(actors::valid_curve_key(std::string(40, '"')));  // not in the Z85 alphabet
}

TEST_CASE("curve key file: made once with mode 0600, then reused; damage refused", "[security]") {
    const auto dir = fresh_dir("p2p-curve");
    const auto first = actors::load_or_create_curve_keys(dir);
    struct stat st {};
    REQUIRE(::stat((dir / actors::kCurveKeyFile).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto again = actors::load_or_create_curve_keys(dir);
    CHECK(again.public_key == first.public_key);
    CHECK(again.secret_key == first.secret_key);

    SECTION("a public key that is not the secret key's") {
        const auto other = actors::generate_curve_keys();
        actors::write_curve_keys(dir, actors::CurveKeys{other.public_key, first.secret_key});
        CHECK_THROWS_WITH(actors::load_or_create_curve_keys(dir), Catch::Contains("does not belong"));
    }
    SECTION("garbage") {
        std::ofstream(dir / actors::kCurveKeyFile) << "public nope\nsecret nope\n";
        CHECK_THROWS_WITH(actors::load_or_create_curve_keys(dir), Catch::Contains("is not a CURVE key pair"));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("sessions are bound to the key that logged in", "[security][machine]") {
    Fixture f;
    f.user("alice");
    auto o = f.run(StoredOpenSession{"tok-a", "alice", "node-1", "127.0.0.1:7001", "KEY-A"});
    REQUIRE(o.changed);

    SECTION("the token is good only from that key") {
        CHECK(token_fits_key(f.state, "tok-a", "KEY-A"));
        CHECK_FALSE(token_fits_key(f.state, "tok-a", "KEY-B"));
        CHECK_FALSE(token_fits_key(f.state, "tok-a", ""));
        CHECK(token_fits_key(f.state, "no-such-token", "KEY-B"));  // refused later as no session
    }
    SECTION("the same node id from another key does not take the session over") {
        auto other = f.run(StoredOpenSession{"tok-x", "alice", "node-1", "127.0.0.1:7001", "KEY-B"});
        CHECK(error_code(other) == "logged_in_elsewhere");
        CHECK(f.state.sessions.count("tok-a") == 1);
    }
    SECTION("the same node (id and key) replaces its own session") {
        auto again = f.run(StoredOpenSession{"tok-a2", "alice", "node-1", "127.0.0.1:7001", "KEY-A"});
        CHECK(again.changed);
        CHECK(f.state.sessions.count("tok-a") == 0);
        CHECK(f.state.sessions.at("tok-a2").node_key == "KEY-A");
    }
    SECTION("plain mode (no keys) checks nothing") {
        f.run(StoredOpenSession{"tok-p", "bob", "node-2", "127.0.0.1:7002", ""});
        CHECK(token_fits_key(f.state, "tok-p", "anything"));
    }
}

TEST_CASE("sources carry their node's key, tickets their holder's", "[security][machine]") {
    Fixture f;
    f.user("alice");
    f.user("bob");
    REQUIRE(f.run(StoredOpenSession{"ta", "alice", "na", "127.0.0.1:7001", "KEY-A"}).changed);
    REQUIRE(f.run(StoredOpenSession{"tb", "bob", "nb", "127.0.0.1:7002", "KEY-B"}).changed);
    REQUIRE(f.run(msg::CreateGroup{"ta", "g"}).changed);
    REQUIRE(f.run(msg::JoinGroup{"tb", "g"}).changed);
    REQUIRE(f.run(msg::AcceptRequest{"ta", "g", "bob"}).changed);
    REQUIRE(f.run(msg::ShareFile{"ta", "g", meta_for("f.bin", 1 << 20), true}).changed);
    auto reply = get_sources(f.state, msg::GetSources{"tb", "g", "f.bin"});
    REQUIRE(std::holds_alternative<msg::SourceList>(reply));
    const auto& list = std::get<msg::SourceList>(reply);
    REQUIRE(list.sources.size() == 1);
    CHECK(list.sources[0].key == "KEY-A");
    CHECK(list.ticket.holder == "KEY-B");
    CHECK(list.ticket.user == "bob");
}
