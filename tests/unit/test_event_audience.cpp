// Who hears which event (tracker/core/audience.hpp) and who may read the
// tracker's event port (tracker/monitor_keys.hpp): group events must never
// reach someone outside the group.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "actors/curve.hpp"
#include "machine_fixture.hpp"
#include "tracker/core/audience.hpp"
#include "tracker/monitor_keys.hpp"

using namespace p2p;
using namespace p2p::tracker;
using namespace p2p::tracker::testing;

namespace {

using Users = std::vector<std::string>;

// The audience of each event an outcome carries, in order.
std::vector<Users> audiences(const State& state, const Outcome& o) {
    std::vector<Users> out;
    for (const auto& e : o.events) out.push_back(event_audience(state, e));
    return out;
}

// alice owns g with bob in it; carol is logged in but in no group.
struct Groups : Fixture {
    std::string ta, tb, tc;
    Groups() {
        for (const auto* u : {"alice", "bob", "carol", "dave"}) user(u);
        ta = login("alice", "na");
        tb = login("bob", "nb");
        tc = login("carol", "nc");
        REQUIRE(run(msg::CreateGroup{ta, "g"}).changed);
        REQUIRE(run(msg::JoinGroup{tb, "g"}).changed);
        REQUIRE(run(msg::AcceptRequest{ta, "g", "bob"}).changed);
    }
};

}  // namespace

TEST_CASE("group events reach the members, never outsiders", "[security][events]") {
    Groups f;

    SECTION("a file shared in g: alice and bob, not carol") {
        auto o = f.run(msg::ShareFile{f.ta, "g", meta_for("f.bin", 1 << 20), true});
        REQUIRE(o.events.size() == 1);
        CHECK(audiences(f.state, o) == std::vector<Users>{{"alice", "bob"}});
        CHECK(audience_sessions(f.state, event_audience(f.state, o.events[0])) ==
              std::vector<std::string>{f.ta, f.tb});
    }
    SECTION("a join request: the members hear it on the group, the owner personally, the requester of their own") {
        auto o = f.run(msg::JoinGroup{f.tc, "g"});
        REQUIRE(o.events.size() == 2);
        CHECK(audiences(f.state, o) == std::vector<Users>{{"alice", "bob", "carol"}, {"alice"}});
    }
    SECTION("a member who leaves hears it, and so do those who stay") {
        auto o = f.run(msg::LeaveGroup{f.tb, "g"});
        REQUIRE(!o.events.empty());
        CHECK(audiences(f.state, o)[0] == Users{"alice", "bob"});
    }
    SECTION("the last member leaving deletes the group: only they hear it") {
        REQUIRE(f.run(msg::LeaveGroup{f.tb, "g"}).changed);
        auto o = f.run(msg::LeaveGroup{f.ta, "g"});
        for (const auto& a : audiences(f.state, o)) CHECK(a == Users{"alice"});
    }
    SECTION("a personal event goes to its user alone") {
        REQUIRE(f.run(msg::JoinGroup{f.tc, "g"}).changed);
        auto o = f.run(msg::RejectRequest{f.ta, "g", "carol"});
        REQUIRE(o.events.size() == 1);
        CHECK(audiences(f.state, o) == std::vector<Users>{{"carol"}});
    }
    SECTION("users without a session have no session to reach") {
        CHECK(audience_sessions(f.state, {"dave"}).empty());
        CHECK(audience_sessions(f.state, {"alice", "dave"}) == std::vector<std::string>{f.ta});
    }
}

TEST_CASE("key lists (monitor_keys): one key per line, comments and bad lines", "[security][events]") {
    const auto a = actors::generate_curve_keys().public_key;
    const auto b = actors::generate_curve_keys().public_key;
    const auto parsed = actors::parse_key_list("# operators\n" + a + "   # laptop\n\n  key=" + b + "\nnot-a-key\n");
    CHECK(parsed.keys == std::vector<std::string>{a, b});
    REQUIRE(parsed.bad_lines.size() == 1);
    CHECK(parsed.bad_lines[0].rfind("line 5:", 0) == 0);
    CHECK(actors::parse_key_list("").keys.empty());
    // Z85 has '#' (never first: it is the last digit): a '#' inside a key is no comment.
    std::string hashy;
    while (hashy.find('#') == std::string::npos) hashy = actors::generate_curve_keys().public_key;
    CHECK(actors::parse_key_list(hashy + "\n").keys == std::vector<std::string>{hashy});
}

TEST_CASE("the tracker's ZAP policy: the event port admits operators only", "[security][events]") {
    const auto dir = std::filesystem::temp_directory_path() / ("p2p-monitor-keys-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto tracker_key = actors::generate_curve_keys().public_key;
    const auto monitor_key = actors::generate_curve_keys().public_key;
    const auto stranger = actors::generate_curve_keys().public_key;
    const auto policy = tracker_zap_policy({tracker_key}, dir);

    CHECK(policy(actors::kZapDomain, stranger));  // requests and pieces: any key; sessions decide
    CHECK(policy(kEventsZapDomain, tracker_key));
    CHECK_FALSE(policy(kEventsZapDomain, stranger));
    CHECK_FALSE(policy(kEventsZapDomain, monitor_key));
    std::ofstream(dir / kMonitorKeysFile) << monitor_key << "\n";
    CHECK(policy(kEventsZapDomain, monitor_key));  // read at each handshake: no restart
    CHECK_FALSE(policy(kEventsZapDomain, stranger));
    std::filesystem::remove_all(dir);
}
