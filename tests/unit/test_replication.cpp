// Replication's pure parts: the role rules (tracker/core/role.hpp), duplicate
// suppression by idempotency key, journal entries, and a standby catching up
// from a snapshot plus the stream.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "machine_fixture.hpp"
#include "messages/envelope.hpp"
#include "tracker/core/role.hpp"
#include "tracker/role_file.hpp"

using namespace p2p;
using namespace p2p::tracker;
using namespace p2p::tracker::testing;
using namespace std::chrono_literals;
using T = RoleAction::Type;

namespace {

const RoleClock::time_point t0{};

RoleConfig two(uint32_t self) { return RoleConfig{self, 2, 1000ms, 3000ms}; }
RoleConfig three(uint32_t self) { return RoleConfig{self, 3, 1000ms, 3000ms}; }

msg::PeerStatus status(uint32_t tracker, const char* role, uint64_t term, uint64_t seq, bool synced = false,
                       uint32_t following = 0) {
    msg::PeerStatus s;
    s.tracker = tracker;
    s.role = role;
    s.term = term;
    s.seq = seq;
    s.synced = synced;
    s.following = following;
    return s;
}

// A standby of tracker 1 that holds its whole stream.
RoleMachine synced_standby(RoleConfig config, RoleClock::time_point at) {
    RoleMachine m(config, 1, false, at);
    m.heard(status(1, msg::role::kPrimary, 1, 10), at);
    REQUIRE(m.tick(at).type == T::Follow);
    m.set_seq(10);
    m.set_synced(true);
    return m;
}

}  // namespace

TEST_CASE("role: a single tracker is primary at once", "[replication][role]") {
    RoleMachine m(RoleConfig{1, 1, 1000ms, 3000ms}, 0, false, t0);
    auto a = m.tick(t0);
    CHECK(a.type == T::Promote);
    CHECK(m.is_primary());
    CHECK(m.term() == 1);
    CHECK(m.tick(t0 + 10ms).type == T::None);
}

TEST_CASE("role: cold start elects the best claim once every tracker is heard", "[replication][role]") {
    SECTION("equal claims: the lowest number wins, after listening for a peer timeout") {
        RoleMachine m1(two(1), 0, false, t0), m2(two(2), 0, false, t0);
        m1.heard(m2.status(), t0 + 100ms);
        m2.heard(m1.status(), t0 + 100ms);
        CHECK(m1.tick(t0 + 500ms).type == T::None);  // still listening
        CHECK(m1.tick(t0 + 1000ms).type == T::Promote);
        CHECK(m2.tick(t0 + 1000ms).type == T::None);
        m2.heard(m1.status(), t0 + 1100ms);
        auto a = m2.tick(t0 + 1100ms);
        CHECK(a.type == T::Follow);
        CHECK(a.primary == 1);
        CHECK(m2.following() == 1);
        CHECK(m2.term() == 1);  // a standby carries its primary's term
    }
    SECTION("a longer history (seq) beats a lower number") {
        RoleMachine m1(two(1), 0, false, t0), m2(two(2), 0, false, t0);
        m2.set_seq(50);
        m1.heard(m2.status(), t0 + 100ms);
        m2.heard(m1.status(), t0 + 100ms);
        CHECK(m1.tick(t0 + 1000ms).type == T::None);
        CHECK(m2.tick(t0 + 1000ms).type == T::Promote);
    }
    SECTION("a higher term beats a longer history") {
        RoleMachine m1(two(1), 3, false, t0), m2(two(2), 2, false, t0);
        m2.set_seq(500);
        m1.set_seq(10);
        m1.heard(m2.status(), t0 + 100ms);
        CHECK(m1.tick(t0 + 1000ms).type == T::Promote);
        CHECK(m1.term() == 4);
    }
    SECTION("alone, a tracker that was standby waits for the operator even when nodes come") {
        RoleMachine m(two(1), 5, false, t0);
        m.node_came(t0 + 1500ms);
        CHECK(m.tick(t0 + 1500ms).type == T::None);
        CHECK(m.tick(t0 + 60s).type == T::None);
        CHECK_FALSE(m.is_primary());
        CHECK(m.waiting_reason(t0 + 60s).find("promote") != std::string::npos);
        auto a = m.operator_promote(t0 + 61s);
        CHECK(a.type == T::Promote);
        CHECK(m.term() == 6);
        CHECK(m.operator_promote(t0 + 62s).type == T::None);
    }
    SECTION("alone, a tracker that was primary takes over when nodes come (Binary Star)") {
        RoleMachine m(two(1), 5, true, t0);
        CHECK(m.tick(t0 + 1500ms).type == T::None);  // no node yet
        m.node_came(t0 + 1600ms);
        CHECK(m.tick(t0 + 1600ms).type == T::Promote);
        CHECK(m.term() == 6);
    }
}

TEST_CASE("role: failover needs the primary lost AND nodes at the standby", "[replication][role]") {
    auto m = synced_standby(two(2), t0);
    CHECK(m.primary(t0 + 500ms) == 1);

    SECTION("nodes come while the primary still lives: no promotion") {
        m.node_came(t0 + 500ms);
        CHECK(m.tick(t0 + 500ms).type == T::None);
        CHECK_FALSE(m.is_primary());
    }
    SECTION("the primary is lost but no node comes: no promotion (only our link may be down)") {
        CHECK(m.tick(t0 + 5s).type == T::None);
        CHECK(m.primary(t0 + 5s) == 0);
    }
    SECTION("lost and nodes came: promotion with a higher term") {
        m.node_came(t0 + 1200ms);
        auto a = m.tick(t0 + 1200ms);
        CHECK(a.type == T::Promote);
        CHECK(m.is_primary());
        CHECK(m.term() == 2);
    }
    SECTION("a visit that is too old does not count") {
        m.node_came(t0 + 100ms);
        CHECK(m.tick(t0 + 4s).type == T::None);
    }
    SECTION("an unsynced standby never takes over on its own") {
        m.set_synced(false);
        m.node_came(t0 + 1200ms);
        CHECK(m.tick(t0 + 1200ms).type == T::None);
    }
}

TEST_CASE("role: with three trackers only the best synced standby takes over", "[replication][role]") {
    auto m2 = synced_standby(three(2), t0);
    auto m3 = synced_standby(three(3), t0);
    const auto later = t0 + 1500ms;
    m2.heard(m3.status(), later);
    m3.heard(m2.status(), later);
    m2.node_came(later);
    m3.node_came(later);
    CHECK(m3.tick(later).type == T::None);  // tracker 2 has the same claim and a lower number
    CHECK(m2.tick(later).type == T::Promote);
    m3.heard(m2.status(), later + 50ms);
    auto a = m3.tick(later + 50ms);
    CHECK(a.type == T::Follow);
    CHECK(a.primary == 2);
    CHECK_FALSE(m3.synced());  // a new primary: a new stream
}

TEST_CASE("role: of two primaries the lower term steps down", "[replication][role]") {
    RoleMachine m(two(1), 0, false, t0);
    m.operator_promote(t0);
    REQUIRE(m.term() == 1);
    SECTION("a higher term elsewhere") {
        m.heard(status(2, msg::role::kPrimary, 2, 0), t0 + 10ms);
        auto a = m.tick(t0 + 10ms);
        CHECK(a.type == T::StepDown);
        CHECK(a.primary == 2);
        CHECK_FALSE(m.is_primary());
        CHECK(m.following() == 2);
    }
    SECTION("a lower term elsewhere: we stay") {
        m.heard(status(2, msg::role::kPrimary, 0, 0), t0 + 10ms);
        CHECK(m.tick(t0 + 10ms).type == T::None);
        CHECK(m.is_primary());
    }
    SECTION("equal terms: the higher number steps down") {
        RoleMachine m2(two(2), 0, false, t0);
        m2.operator_promote(t0);
        m.heard(m2.status(), t0 + 10ms);
        m2.heard(m.status(), t0 + 10ms);
        CHECK(m.tick(t0 + 10ms).type == T::None);
        CHECK(m2.tick(t0 + 10ms).type == T::StepDown);
    }
    SECTION("a promotion raises the term above every term heard") {
        RoleMachine s(two(2), 0, false, t0);
        s.heard(status(1, msg::role::kStandby, 7, 0), t0);
        s.operator_promote(t0);
        CHECK(s.term() == 8);
    }
}

TEST_CASE("role: statuses from unknown trackers or ourselves are ignored", "[replication][role]") {
    RoleMachine m(two(1), 0, false, t0);
    m.heard(status(1, msg::role::kPrimary, 9, 0), t0);
    m.heard(status(7, msg::role::kPrimary, 9, 0), t0);
    m.heard(status(0, msg::role::kPrimary, 9, 0), t0);
    CHECK(m.primary(t0) == 0);
    CHECK(m.describe_peers(t0) == "peer tracker 2: never heard\n");
}

TEST_CASE("dedup: a retried request is answered again, not applied twice", "[replication][dedup]") {
    Fixture f;
    f.user("alice");
    const auto token = f.login("alice", "n1");
    const Entry create{"node-a", 41, msg::CreateGroup{token, "g"}};
    auto first = apply(f.state, create);
    REQUIRE(first.changed);
    REQUIRE(is_ok(first));
    const State after_first = f.state;

    auto again = apply(f.state, create);
    CHECK_FALSE(again.changed);
    REQUIRE(std::holds_alternative<Replayed>(again.reply));
    CHECK(encode_reply(41, again.reply) == encode_reply(41, first.reply));
    CHECK(again.events.empty());
    CHECK(f.state == after_first);

    SECTION("the same request id from another node is another request") {
        auto other = apply(f.state, Entry{"node-b", 41, msg::CreateGroup{token, "g"}});
        CHECK(error_code(other) == "exists");
    }
    SECTION("a refused request is not remembered: its retry is judged afresh") {
        auto refused = apply(f.state, Entry{"node-a", 42, msg::JoinGroup{token, "nosuch"}});
        CHECK_FALSE(refused.changed);
        CHECK(find_reply(f.state, "node-a", 42) == nullptr);
    }
    SECTION("requests without an origin (the tracker's own) are never remembered") {
        auto o = apply(f.state, Entry{"", 43, msg::CreateGroup{token, "h"}});
        CHECK(o.changed);
        CHECK(f.state.replies.count("") == 0);
    }
    SECTION("only the newest replies per node are kept") {
        for (uint64_t id = 100; id < 100 + kRepliesKeptPerNode + 5; ++id) {
            REQUIRE(apply(f.state, Entry{"node-a", id, msg::CreateGroup{token, "g" + std::to_string(id)}}).changed);
        }
        CHECK(f.state.replies.at("node-a").size() == kRepliesKeptPerNode);
        CHECK(find_reply(f.state, "node-a", 41) == nullptr);
        CHECK(find_reply(f.state, "node-a", 100 + kRepliesKeptPerNode + 4) != nullptr);
    }
}

TEST_CASE("journal entries: round trip, legacy bare commands, garbage", "[replication][entry]") {
    const Entry e{"node-7", 99, msg::JoinGroup{"tok", "g"}};
    auto back = decode_entry(encode_entry(e));
    REQUIRE(back);
    CHECK(back->origin == "node-7");
    CHECK(back->request_id == 99);
    REQUIRE(std::holds_alternative<msg::JoinGroup>(back->command));
    CHECK(std::get<msg::JoinGroup>(back->command).group == "g");

    auto legacy = decode_entry(encode_command(Command{msg::JoinGroup{"tok", "g"}}));
    REQUIRE(legacy);
    CHECK(legacy->origin.empty());

    CHECK_FALSE(decode_entry(encode(0, JournalEntry{"n", 1, "not a command"})));
    CHECK_FALSE(decode_entry(encode(0, msg::Ok{"x"})));
    CHECK_FALSE(decode_entry(std::string("\x93\x01", 2)));
}

TEST_CASE("catch-up: snapshot + stream on a standby = the primary's state, replies included", "[replication][catchup]") {
    Fixture primary;
    std::vector<std::string> stream;  // journal payloads, as the primary sends them
    auto run = [&](const Entry& e) {
        auto o = apply(primary.state, e);
        if (o.changed) stream.push_back(encode_entry(e));
        return o;
    };
    run(Entry{"", 0, StoredCreateUser{"alice", "s", "h", 1}});
    run(Entry{"", 0, StoredCreateUser{"bob", "s", "h", 1}});
    run(Entry{"na", 1, StoredOpenSession{"ta", "alice", "na", "127.0.0.1:1"}});
    run(Entry{"nb", 1, StoredOpenSession{"tb", "bob", "nb", "127.0.0.1:2"}});
    run(Entry{"na", 2, msg::CreateGroup{"ta", "g"}});
    const std::size_t snapshot_at = stream.size();
    const std::string snapshot = encode_state(primary.state);
    run(Entry{"nb", 2, msg::JoinGroup{"tb", "g"}});
    run(Entry{"na", 3, msg::AcceptRequest{"ta", "g", "bob"}});
    run(Entry{"nb", 3, msg::ShareFile{"tb", "g", meta_for("f.bin", 3 << 20), true}});

    State standby = decode_state(snapshot);
    for (std::size_t i = snapshot_at; i < stream.size(); ++i) {
        auto e = decode_entry(stream[i]);
        REQUIRE(e);
        apply(standby, *e);
    }
    CHECK(standby == primary.state);
    // After a failover the standby answers bob's retry of the share as the primary did.
    auto retry = apply(standby, Entry{"nb", 3, msg::ShareFile{"tb", "g", meta_for("f.bin", 3 << 20), true}});
    CHECK(std::holds_alternative<Replayed>(retry.reply));
    CHECK_FALSE(retry.changed);
}

TEST_CASE("role file: round trip, missing, damaged", "[replication][role_file]") {
    const auto dir = std::filesystem::temp_directory_path() / ("p2p-role-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    CHECK(load_role(dir).term == 0);
    CHECK_FALSE(load_role(dir).was_primary);
    store_role(dir, RoleRecord{12, true});
    CHECK(load_role(dir).term == 12);
    CHECK(load_role(dir).was_primary);
    store_role(dir, RoleRecord{13, false});
    CHECK_FALSE(load_role(dir).was_primary);
    std::ofstream(dir / kRoleFile) << "term twelve role primary\n";
    CHECK_THROWS_WITH(load_role(dir), Catch::Contains("is not 'term N role"));
    std::filesystem::remove_all(dir);
}
