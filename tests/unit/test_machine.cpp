// The tracker's rules (tracker/core/machine.hpp), driven directly: no sockets.
#include <catch2/catch.hpp>

#include <iterator>
#include <map>
#include <random>
#include <set>

#include "machine_fixture.hpp"
#include "machine_invariants.hpp"
#include "messages/envelope.hpp"

using namespace p2p;
using namespace p2p::tracker;
using namespace p2p::tracker::testing;

namespace ev = p2p::msg::event;

// ---------------------------------------------------------------- users

TEST_CASE("create_user: valid names are stored, duplicates and bad names refused", "[machine][users]") {
    Fixture f;

    SECTION("a valid user is stored with its salt, hash and iterations") {
        auto o = f.run(StoredCreateUser{"alice", "s", "h", 1234});
        CHECK(o.changed);
        CHECK(is_ok(o));
        CHECK(o.events.empty());
        REQUIRE(f.state.users.count("alice") == 1);
        CHECK(f.state.users.at("alice") == User{"s", "h", 1234});
    }
    SECTION("name edge cases that are valid") {
        for (const std::string& name : {std::string("a"), std::string(64, 'x'), std::string("A.b_c-9"), std::string("...")}) {
            INFO(name);
            CHECK(f.run(StoredCreateUser{name, "s", "h", 1}).changed);
        }
        CHECK(f.state.users.size() == 4);
    }
    SECTION("a duplicate is refused and the first user is kept") {
        f.user("alice");
        CHECK(f.refused(StoredCreateUser{"alice", "other-salt", "other-hash", 1}) == "exists");
        CHECK(f.state.users.at("alice").salt == "salt-alice");
    }
    SECTION("bad names are refused") {
        for (const std::string& name : {std::string(""), std::string(65, 'x'), std::string("a/b"), std::string(".."),
                                       std::string("."), std::string("al ice"), std::string(" alice"),
                                       std::string("\xc3\xa9mile"), std::string("a\nb"), std::string("a\0b", 3)}) {
            INFO("name: '" << name << "'");
            CHECK(f.refused(StoredCreateUser{name, "s", "h", 1}) == "bad_name");
        }
        CHECK(f.state.users.empty());
    }
}

TEST_CASE("check_create_user: refuses before hashing what apply would refuse", "[machine][users]") {
    Fixture f;
    f.user("alice");
    CHECK_FALSE(check_create_user(f.state, msg::CreateUser{"bob", "pw"}).has_value());

    SECTION("duplicate") {
        auto e = check_create_user(f.state, msg::CreateUser{"alice", "pw"});
        REQUIRE(e);
        CHECK(e->code == "exists");
    }
    SECTION("bad names") {
        for (const std::string& name : {std::string(""), std::string(65, 'x'), std::string("a/b"), std::string(".."),
                                       std::string("a b"), std::string("\xc3\xa9")}) {
            INFO(name);
            auto e = check_create_user(f.state, msg::CreateUser{name, "pw"});
            REQUIRE(e);
            CHECK(e->code == "bad_name");
        }
    }
    SECTION("bad passwords") {
        for (const std::string& pw : {std::string(""), std::string(257, 'p')}) {
            auto e = check_create_user(f.state, msg::CreateUser{"bob", pw});
            REQUIRE(e);
            CHECK(e->code == "bad_password");
        }
        CHECK_FALSE(check_create_user(f.state, msg::CreateUser{"bob", std::string(256, 'p')}).has_value());
    }
}

// ---------------------------------------------------------------- sessions

TEST_CASE("login: opens a session that names the user", "[machine][sessions]") {
    Fixture f;
    f.user("alice");

    SECTION("unknown user is refused") {
        CHECK(f.refused(StoredOpenSession{"t1", "nobody", "node-a", "127.0.0.1:7000"}) == "no_such_user");
        CHECK(f.state.sessions.empty());
    }
    SECTION("a session is stored under its token with node and endpoint") {
        auto o = f.open_session("alice", "node-a", "t1");
        CHECK(o.changed);
        REQUIRE(std::holds_alternative<msg::LoginOk>(o.reply));
        const auto& ok = std::get<msg::LoginOk>(o.reply);
        CHECK(ok.token == "t1");
        CHECK(ok.user == "alice");
        CHECK(ok.groups.empty());
        REQUIRE(find_session(f.state, "t1") != nullptr);
        CHECK(*find_session(f.state, "t1") == Session{"alice", "node-a", Fixture::endpoint_of("node-a")});
        CHECK(find_session(f.state, "t2") == nullptr);
    }
    SECTION("LoginOk lists the groups the user is a member of, not those pending") {
        f.user("bob");
        auto a = f.login("alice", "node-a");
        auto b = f.login("bob", "node-b");
        f.ok(msg::CreateGroup{a, "g1"});
        f.ok(msg::CreateGroup{b, "g2"});
        f.ok(msg::CreateGroup{b, "g3"});
        f.ok(msg::JoinGroup{a, "g2"});
        f.ok(msg::AcceptRequest{b, "g2", "alice"});
        f.ok(msg::JoinGroup{a, "g3"});  // stays pending
        auto o = f.open_session("alice", "node-a", "again");
        REQUIRE(std::holds_alternative<msg::LoginOk>(o.reply));
        CHECK(std::get<msg::LoginOk>(o.reply).groups == std::vector<std::string>{"g1", "g2"});
    }
}

TEST_CASE("login: one session per user, one per node", "[machine][sessions]") {
    Fixture f;
    f.user("alice");
    f.user("bob");
    const auto old = f.login("alice", "node-a");

    SECTION("a login from another node is refused while the session lives") {
        CHECK(f.refused(StoredOpenSession{"t-new", "alice", "node-b", "127.0.0.1:7100"}) == "logged_in_elsewhere");
        CHECK(find_session(f.state, old) != nullptr);
        CHECK(find_session(f.state, "t-new") == nullptr);
    }
    SECTION("a login from the same node replaces the old session") {
        auto fresh = f.login("alice", "node-a");
        CHECK(find_session(f.state, old) == nullptr);
        REQUIRE(find_session(f.state, fresh) != nullptr);
        CHECK(f.state.sessions.size() == 1);
        CHECK(f.refused(msg::CreateGroup{old, "g"}) == "not_logged_in");
        CHECK(f.ok(msg::CreateGroup{fresh, "g"}).changed);
    }
    SECTION("a node switching user ends its previous session") {
        auto bob = f.login("bob", "node-a");
        CHECK(find_session(f.state, old) == nullptr);
        REQUIRE(find_session(f.state, bob) != nullptr);
        CHECK(f.state.sessions.size() == 1);
        // alice is no longer logged in anywhere: another node may log her in.
        auto alice_b = f.login("alice", "node-b");
        CHECK(find_session(f.state, alice_b)->node_id == "node-b");
    }
    SECTION("a node switching to a user logged in elsewhere keeps its session") {
        f.login("bob", "node-b");
        CHECK(f.refused(StoredOpenSession{"t-x", "bob", "node-a", "e"}) == "logged_in_elsewhere");
        CHECK(find_session(f.state, old) != nullptr);
    }
    SECTION("after logout another node may log in") {
        f.ok(msg::Logout{old});
        f.login("alice", "node-b");
        CHECK(f.state.sessions.size() == 1);
    }
}

TEST_CASE("check_login: the checks made before hashing the password", "[machine][sessions]") {
    Fixture f;
    f.user("alice");

    SECTION("a known user returns its stored salt and hash") {
        auto r = check_login(f.state, msg::Login{"alice", "pw", "node-a", "127.0.0.1:7000"});
        REQUIRE(r.ok());
        CHECK(r->salt == "salt-alice");
        CHECK(r->hash == "hash-alice");
        CHECK(r->iterations == 1000);
    }
    SECTION("an unknown user gets the words of a wrong password, not which was wrong") {
        auto r = check_login(f.state, msg::Login{"mallory", "pw", "node-a", "127.0.0.1:7000"});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == "wrong user name or password");
        CHECK(r.error().find("mallory") == std::string::npos);
    }
    SECTION("bad names and passwords are refused") {
        CHECK_FALSE(check_login(f.state, msg::Login{"", "pw", "n", "127.0.0.1:7000"}).ok());
        CHECK_FALSE(check_login(f.state, msg::Login{"a/b", "pw", "n", "127.0.0.1:7000"}).ok());
        CHECK_FALSE(check_login(f.state, msg::Login{"alice", "", "n", "127.0.0.1:7000"}).ok());
        CHECK_FALSE(check_login(f.state, msg::Login{"alice", std::string(257, 'p'), "n", "127.0.0.1:7000"}).ok());
    }
    SECTION("an endpoint other nodes could not connect to is refused") {
        for (const char* bad : {"e", "", "garbage:7000", "127.0.0.1", "127.0.0.1:0", "tcp://127.0.0.1:7000"}) {
            INFO("endpoint '" << bad << "'");
            auto r = check_login(f.state, msg::Login{"alice", "pw", "node-a", bad});
            REQUIRE_FALSE(r.ok());
            CHECK_THAT(r.error(), Catch::StartsWith("endpoint "));
        }
    }
    SECTION("who is online is not revealed before the password matched") {
        // The "logged in elsewhere" refusal comes from apply(StoredOpenSession),
        // which only runs after the hash matched.
        f.login("alice", "node-a");
        CHECK(check_login(f.state, msg::Login{"alice", "pw", "node-b", "127.0.0.1:7000"}).ok());
        CHECK(check_login(f.state, msg::Login{"alice", "pw", "node-a", "127.0.0.1:7000"}).ok());
    }
}

TEST_CASE("logout and expiry end a session", "[machine][sessions]") {
    Fixture f;
    f.user("alice");
    const auto tok = f.login("alice", "node-a");

    SECTION("logout makes the token invalid") {
        auto o = f.ok(msg::Logout{tok});
        CHECK(o.events.empty());
        CHECK(find_session(f.state, tok) == nullptr);
        CHECK(f.refused(msg::CreateGroup{tok, "g"}) == "not_logged_in");
        CHECK(error_code(f.groups(tok)) == "not_logged_in");
        CHECK(f.refused(msg::Logout{tok}) == "not_logged_in");
    }
    SECTION("a StoredCloseSession (heartbeat timeout) does the same and says why") {
        auto o = f.ok(StoredCloseSession{tok, "timed out"});
        REQUIRE(is_ok(o));
        CHECK(std::get<msg::Ok>(o.reply).text == "user alice timed out");
        CHECK(find_session(f.state, tok) == nullptr);
        CHECK(f.refused(StoredCloseSession{tok, "timed out"}) == "not_logged_in");
    }
    SECTION("logout of an unknown or empty token is refused") {
        CHECK(f.refused(msg::Logout{"nope"}) == "not_logged_in");
        CHECK(f.refused(msg::Logout{""}) == "not_logged_in");
        CHECK(find_session(f.state, tok) != nullptr);
    }
}

TEST_CASE("every group command needs a live session", "[machine][sessions]") {
    Fixture f;
    f.user("alice");
    const auto owner = f.login("alice", "node-a");
    f.ok(msg::CreateGroup{owner, "g"});
    f.user("bob");
    const auto bob = f.login("bob", "node-b");
    f.ok(msg::JoinGroup{bob, "g"});
    f.ok(msg::Logout{bob});  // bob's token is now stale

    for (const std::string& tok : {std::string(""), std::string("forged"), bob}) {
        INFO("token '" << tok << "'");
        CHECK(f.refused(msg::CreateGroup{tok, "h"}) == "not_logged_in");
        CHECK(f.refused(msg::JoinGroup{tok, "g"}) == "not_logged_in");
        CHECK(f.refused(msg::LeaveGroup{tok, "g"}) == "not_logged_in");
        CHECK(f.refused(msg::AcceptRequest{tok, "g", "bob"}) == "not_logged_in");
        CHECK(f.refused(msg::RejectRequest{tok, "g", "bob"}) == "not_logged_in");
        CHECK(error_code(f.requests(tok, "g")) == "not_logged_in");
        CHECK(error_code(f.groups(tok)) == "not_logged_in");
    }
    // The session check comes first: a bad group name does not change the answer.
    CHECK(f.refused(msg::CreateGroup{"", "a/b"}) == "not_logged_in");
}

// ---------------------------------------------------------------- groups

TEST_CASE("create_group: the creator owns it", "[machine][groups]") {
    Fixture f;
    f.user("alice");
    f.user("bob");
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");

    SECTION("creation makes the caller owner and sole member, announces member_joined") {
        auto o = f.ok(msg::CreateGroup{a, "g"});
        CHECK(f.group("g") == Group{"alice", {"alice"}, {}});
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].topic == "group.g");
        CHECK(o.events[0].body.type == ev::kMemberJoined);
        CHECK(o.events[0].body.group == "g");
        CHECK(o.events[0].body.user == "alice");
    }
    SECTION("a duplicate name is refused, whoever asks") {
        f.ok(msg::CreateGroup{a, "g"});
        CHECK(f.refused(msg::CreateGroup{b, "g"}) == "exists");
        CHECK(f.refused(msg::CreateGroup{a, "g"}) == "exists");
        CHECK(f.group("g").owner == "alice");
    }
    SECTION("bad group names are refused") {
        for (const std::string& g : {std::string(""), std::string(65, 'g'), std::string("a/b"), std::string(".."),
                                    std::string("my group"), std::string("gr\xc3\xbcn")}) {
            INFO(g);
            CHECK(f.refused(msg::CreateGroup{a, g}) == "bad_name");
        }
        CHECK(f.ok(msg::CreateGroup{a, std::string(64, 'g')}).changed);
    }
}

TEST_CASE("join_group: a pending request for the owner", "[machine][groups]") {
    Fixture f;
    f.user("alice");
    f.user("bob");
    f.user("carol");
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    f.ok(msg::CreateGroup{a, "g"});

    SECTION("a join request is pending and announced on group.G and user.<owner>") {
        auto o = f.ok(msg::JoinGroup{b, "g"});
        CHECK(f.group("g").pending == std::vector<std::string>{"bob"});
        CHECK(f.group("g").members == std::vector<std::string>{"alice"});
        REQUIRE(o.events.size() == 2);
        CHECK(has_event(o, "group.g", ev::kJoinRequested, "bob"));
        CHECK(has_event(o, "user.alice", ev::kJoinRequested, "bob"));
        for (const auto& e : o.events) CHECK(e.body.group == "g");
    }
    SECTION("nonexistent group") { CHECK(f.refused(msg::JoinGroup{b, "nope"}) == "no_such_group"); }
    SECTION("already member (the owner too)") {
        CHECK(f.refused(msg::JoinGroup{a, "g"}) == "already_member");
        f.ok(msg::JoinGroup{b, "g"});
        f.ok(msg::AcceptRequest{a, "g", "bob"});
        CHECK(f.refused(msg::JoinGroup{b, "g"}) == "already_member");
    }
    SECTION("already pending") {
        f.ok(msg::JoinGroup{b, "g"});
        CHECK(f.refused(msg::JoinGroup{b, "g"}) == "already_pending");
        CHECK(f.group("g").pending.size() == 1);
    }
    SECTION("bad group name") { CHECK(f.refused(msg::JoinGroup{c, "a/b"}) == "bad_name"); }
}

TEST_CASE("list_requests: only the owner, in request order", "[machine][groups]") {
    Fixture f;
    for (auto u : {"alice", "bob", "carol", "dave"}) f.user(u);
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    const auto d = f.login("dave", "node-d");
    f.ok(msg::CreateGroup{a, "g"});
    f.ok(msg::JoinGroup{d, "g"});
    f.ok(msg::JoinGroup{b, "g"});
    f.ok(msg::JoinGroup{c, "g"});

    SECTION("the owner sees them oldest first") {
        auto r = f.requests(a, "g");
        REQUIRE(std::holds_alternative<msg::UserList>(r));
        CHECK(std::get<msg::UserList>(r).users == std::vector<std::string>{"dave", "bob", "carol"});
    }
    SECTION("a pending requester or a plain member may not list them") {
        CHECK(error_code(f.requests(b, "g")) == "not_owner");
        f.ok(msg::AcceptRequest{a, "g", "bob"});
        CHECK(error_code(f.requests(b, "g")) == "not_owner");
    }
    SECTION("an empty list once all are decided") {
        f.ok(msg::AcceptRequest{a, "g", "bob"});
        f.ok(msg::RejectRequest{a, "g", "dave"});
        f.ok(msg::LeaveGroup{c, "g"});
        auto r = f.requests(a, "g");
        REQUIRE(std::holds_alternative<msg::UserList>(r));
        CHECK(std::get<msg::UserList>(r).users.empty());
    }
    SECTION("unknown group and bad name") {
        CHECK(error_code(f.requests(a, "nope")) == "no_such_group");
        CHECK(error_code(f.requests(a, "")) == "bad_name");
    }
}

TEST_CASE("accept and reject: the owner decides pending requests", "[machine][groups]") {
    Fixture f;
    for (auto u : {"alice", "bob", "carol", "dave"}) f.user(u);
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    f.ok(msg::CreateGroup{a, "g"});
    f.ok(msg::JoinGroup{b, "g"});
    f.ok(msg::JoinGroup{c, "g"});

    SECTION("accept moves the user to members and tells user.U and group.G") {
        auto o = f.ok(msg::AcceptRequest{a, "g", "bob"});
        CHECK(f.group("g") == Group{"alice", {"alice", "bob"}, {"carol"}});
        REQUIRE(o.events.size() == 2);
        CHECK(has_event(o, "user.bob", ev::kRequestAccepted, "bob"));
        CHECK(has_event(o, "group.g", ev::kMemberJoined, "bob"));
        for (const auto& e : o.events) CHECK(e.body.by == "alice");
    }
    SECTION("reject drops the request and tells user.U only") {
        auto o = f.ok(msg::RejectRequest{a, "g", "bob"});
        CHECK(f.group("g") == Group{"alice", {"alice"}, {"carol"}});
        REQUIRE(o.events.size() == 1);
        CHECK(has_event(o, "user.bob", ev::kRequestRejected, "bob"));
        CHECK(o.events[0].body.by == "alice");
    }
    SECTION("only the owner may decide") {
        CHECK(f.refused(msg::AcceptRequest{b, "g", "carol"}) == "not_owner");
        CHECK(f.refused(msg::RejectRequest{b, "g", "carol"}) == "not_owner");
        f.ok(msg::AcceptRequest{a, "g", "bob"});  // a member is not the owner either
        CHECK(f.refused(msg::AcceptRequest{b, "g", "carol"}) == "not_owner");
        CHECK(f.refused(msg::RejectRequest{b, "g", "carol"}) == "not_owner");
    }
    SECTION("no such request, group or valid name") {
        CHECK(f.refused(msg::AcceptRequest{a, "g", "dave"}) == "no_such_request");
        CHECK(f.refused(msg::RejectRequest{a, "g", "dave"}) == "no_such_request");
        CHECK(f.refused(msg::AcceptRequest{a, "g", "alice"}) == "no_such_request");
        CHECK(f.refused(msg::AcceptRequest{a, "nope", "bob"}) == "no_such_group");
        CHECK(f.refused(msg::RejectRequest{a, "nope", "bob"}) == "no_such_group");
        CHECK(f.refused(msg::AcceptRequest{a, "g", "a/b"}) == "bad_name");
        CHECK(f.refused(msg::RejectRequest{a, "g", ""}) == "bad_name");
        f.ok(msg::AcceptRequest{a, "g", "bob"});
        CHECK(f.refused(msg::AcceptRequest{a, "g", "bob"}) == "no_such_request");
    }
    SECTION("after a rejection the user may ask again") {
        f.ok(msg::RejectRequest{a, "g", "bob"});
        auto o = f.ok(msg::JoinGroup{b, "g"});
        CHECK(has_event(o, "user.alice", ev::kJoinRequested, "bob"));
        CHECK(f.group("g").pending == std::vector<std::string>{"carol", "bob"});
        f.ok(msg::AcceptRequest{a, "g", "bob"});
        CHECK(f.group("g").members == std::vector<std::string>{"alice", "bob"});
    }
}

TEST_CASE("leave_group: members leave, pending requests are cancelled", "[machine][groups]") {
    Fixture f;
    for (auto u : {"alice", "bob", "carol"}) f.user(u);
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    f.ok(msg::CreateGroup{a, "g"});
    f.ok(msg::JoinGroup{b, "g"});
    f.ok(msg::AcceptRequest{a, "g", "bob"});

    SECTION("not a member") {
        CHECK(f.refused(msg::LeaveGroup{c, "g"}) == "not_member");
        CHECK(f.refused(msg::LeaveGroup{c, "nope"}) == "no_such_group");
        CHECK(f.refused(msg::LeaveGroup{c, ""}) == "bad_name");
    }
    SECTION("a plain member leaves; the owner stays") {
        auto o = f.ok(msg::LeaveGroup{b, "g"});
        CHECK(f.group("g") == Group{"alice", {"alice"}, {}});
        REQUIRE(o.events.size() == 1);
        CHECK(has_event(o, "group.g", ev::kMemberLeft, "bob"));
        CHECK(f.refused(msg::LeaveGroup{b, "g"}) == "not_member");
    }
    SECTION("leaving while pending cancels the request") {
        f.ok(msg::JoinGroup{c, "g"});
        auto o = f.ok(msg::LeaveGroup{c, "g"});
        CHECK(f.group("g").pending.empty());
        CHECK(f.group("g").members == std::vector<std::string>{"alice", "bob"});
        CHECK(has_event(o, "group.g", ev::kRequestCancelled, "carol"));
        CHECK(has_event(o, "user.alice", ev::kRequestCancelled, "carol"));
        REQUIRE(std::holds_alternative<msg::UserList>(f.requests(a, "g")));
        CHECK(std::get<msg::UserList>(f.requests(a, "g")).users.empty());
        CHECK(f.refused(msg::AcceptRequest{a, "g", "carol"}) == "no_such_request");
    }
}

TEST_CASE("leave_group: the owner's leaving hands the group to the next joined member", "[machine][groups]") {
    Fixture f;
    for (auto u : {"alice", "bob", "carol"}) f.user(u);
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    f.ok(msg::CreateGroup{a, "g"});
    // bob asks first, but carol is accepted (joins) first: join order is alice, carol, bob.
    f.ok(msg::JoinGroup{b, "g"});
    f.ok(msg::JoinGroup{c, "g"});
    f.ok(msg::AcceptRequest{a, "g", "carol"});
    f.ok(msg::AcceptRequest{a, "g", "bob"});
    REQUIRE(f.group("g").members == std::vector<std::string>{"alice", "carol", "bob"});

    auto o1 = f.ok(msg::LeaveGroup{a, "g"});
    CHECK(f.group("g").owner == "carol");
    CHECK(f.group("g").members == std::vector<std::string>{"carol", "bob"});
    CHECK(has_event(o1, "group.g", ev::kMemberLeft, "alice"));
    CHECK(has_event(o1, "group.g", ev::kOwnerChanged, "carol"));

    SECTION("the new owner holds the owner's powers, the old one none") {
        f.user("dave");
        const auto d = f.login("dave", "node-d");
        f.ok(msg::JoinGroup{d, "g"});
        CHECK(std::holds_alternative<msg::UserList>(f.requests(c, "g")));
        CHECK(error_code(f.requests(b, "g")) == "not_owner");
        CHECK(error_code(f.requests(a, "g")) == "not_owner");
        f.ok(msg::AcceptRequest{c, "g", "dave"});
        CHECK(f.group("g").members == std::vector<std::string>{"carol", "bob", "dave"});
    }
    SECTION("and again: carol leaves, bob owns") {
        auto o2 = f.ok(msg::LeaveGroup{c, "g"});
        CHECK(f.group("g") == Group{"bob", {"bob"}, {}});
        CHECK(has_event(o2, "group.g", ev::kOwnerChanged, "bob"));
        for (const auto& e : o2.events) {
            if (e.body.type == ev::kOwnerChanged) CHECK(e.body.by == "carol");
        }
    }
}

TEST_CASE("leave_group: the last member's leaving deletes the group", "[machine][groups]") {
    Fixture f;
    for (auto u : {"alice", "bob", "carol"}) f.user(u);
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    f.ok(msg::CreateGroup{a, "g"});
    f.ok(msg::JoinGroup{b, "g"});  // pending when the group goes

    auto o = f.ok(msg::LeaveGroup{a, "g"});
    CHECK(f.state.groups.count("g") == 0);
    CHECK(has_event(o, "group.g", ev::kMemberLeft, "alice"));
    CHECK(has_event(o, "group.g", ev::kGroupDeleted, "alice"));
    CHECK(has_event(o, "user.bob", ev::kGroupDeleted, "bob"));
    CHECK_FALSE(has_event(o, "group.g", ev::kOwnerChanged, "bob"));

    SECTION("it is gone for everyone") {
        CHECK(f.refused(msg::JoinGroup{c, "g"}) == "no_such_group");
        CHECK(f.refused(msg::LeaveGroup{b, "g"}) == "no_such_group");
        REQUIRE(std::holds_alternative<msg::GroupList>(f.groups(b)));
        CHECK(std::get<msg::GroupList>(f.groups(b)).groups.empty());
    }
    SECTION("its name can be used again, with nothing carried over") {
        f.ok(msg::CreateGroup{c, "g"});
        CHECK(f.group("g") == Group{"carol", {"carol"}, {}});
    }
}

TEST_CASE("list_groups: every group with its owner, size and the caller's status", "[machine][groups]") {
    Fixture f;
    for (auto u : {"alice", "bob", "carol", "dave"}) f.user(u);
    const auto a = f.login("alice", "node-a");
    const auto b = f.login("bob", "node-b");
    const auto c = f.login("carol", "node-c");
    const auto d = f.login("dave", "node-d");
    f.ok(msg::CreateGroup{a, "g1"});
    f.ok(msg::JoinGroup{b, "g1"});
    f.ok(msg::AcceptRequest{a, "g1", "bob"});
    f.ok(msg::JoinGroup{c, "g1"});
    f.ok(msg::CreateGroup{d, "g2"});

    auto list_for = [&](const std::string& tok) {
        auto r = f.groups(tok);
        REQUIRE(std::holds_alternative<msg::GroupList>(r));
        return std::get<msg::GroupList>(r);
    };

    SECTION("columns") {
        auto la = list_for(a);
        REQUIRE(la.groups.size() == 2);
        CHECK(la.groups[0].name == "g1");
        CHECK(la.groups[1].name == "g2");
        CHECK(row(la, "g1")->owner == "alice");
        CHECK(row(la, "g1")->members == 2);  // pending carol does not count
        CHECK(row(la, "g2")->owner == "dave");
        CHECK(row(la, "g2")->members == 1);
    }
    SECTION("status is the caller's relation") {
        CHECK(row(list_for(a), "g1")->status == "owner");
        CHECK(row(list_for(b), "g1")->status == "member");
        CHECK(row(list_for(c), "g1")->status == "pending");
        CHECK(row(list_for(d), "g1")->status == "");
        CHECK(row(list_for(a), "g2")->status == "");
        CHECK(row(list_for(d), "g2")->status == "owner");
    }
    SECTION("status follows ownership changes") {
        f.ok(msg::LeaveGroup{a, "g1"});
        CHECK(row(list_for(a), "g1")->status == "");
        CHECK(row(list_for(b), "g1")->status == "owner");
        CHECK(row(list_for(b), "g1")->members == 1);
    }
}

// ---------------------------------------------------------------- properties

namespace {

// A seeded, random-ish session of ~2000 operations, valid and invalid, over a
// few users, nodes, groups and files. Every command goes through f.run.
void random_session(Fixture& f, unsigned seed, int ops) {
    std::mt19937 rng(seed);
    auto pick = [&](const auto& v) -> const auto& {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    };
    const std::vector<std::string> users{"alice", "bob", "carol", "dave", "erin", "frank", "", "a/b", ".."};
    const std::vector<std::string> nodes{"node-1", "node-2", "node-3", "node-4", "node-5"};
    const std::vector<std::string> groups{"g1", "g2", "g3", "films", "", "x y"};
    std::vector<std::string> tokens{"", "forged"};
    // Two files named a.bin (a name clash), b.bin, an empty file, and
    // metadata that fails check_meta.
    std::vector<files::FileMeta> metas{meta_for("a.bin", 3 * files::kPieceSize + 5), meta_for("a.bin", 100, "other"),
                                       meta_for("b.bin", files::kPieceSize), meta_for("empty.txt", 0)};
    metas.push_back(metas[2]);
    metas.back().file_id[0] ^= 1;
    const std::vector<std::string> file_names{"a.bin", "b.bin", "empty.txt", "none.bin", "../x"};
    // A live session's token whose user is in members, or "" when none is.
    auto token_of_one_of = [&](const auto& members) {
        std::vector<std::string> found;
        for (const auto& [t, s] : f.state.sessions) {
            if (std::find(members.begin(), members.end(), s.user) != members.end()) found.push_back(t);
        }
        return found.empty() ? std::string() : pick(found);
    };
    int next_token = 0;
    for (int i = 0; i < ops; ++i) {
        const int op = std::uniform_int_distribution<int>(0, 119)(rng);
        // Mostly a live session's token; sometimes a stale, forged or empty one.
        std::string tok = pick(tokens);
        if (!f.state.sessions.empty() && op % 5 != 0) {
            auto it = f.state.sessions.begin();
            std::advance(it, std::uniform_int_distribution<std::size_t>(0, f.state.sessions.size() - 1)(rng));
            tok = it->first;
        }
        if (op < 6) {
            const auto& u = pick(users);
            f.run(StoredCreateUser{u, "salt-" + std::to_string(i), "hash-" + std::to_string(i), 1000});
        } else if (op < 20) {
            const std::string t = "t" + std::to_string(++next_token);
            tokens.push_back(t);
            f.run(StoredOpenSession{t, pick(users), pick(nodes), "127.0.0.1:" + std::to_string(7000 + i)});
        } else if (op < 23) {
            f.run(msg::Logout{tok});
        } else if (op < 25) {
            f.run(StoredCloseSession{op == 23 ? pick(tokens) : tok, "timed out"});
        } else if (op < 35) {
            f.run(msg::CreateGroup{tok, pick(groups)});
        } else if (op < 55) {
            f.run(msg::JoinGroup{tok, pick(groups)});
        } else if (op < 70) {
            f.run(msg::LeaveGroup{tok, pick(groups)});
        } else if (op < 90) {
            // Mostly decide a request that exists, from whoever holds the token.
            const auto& g = pick(groups);
            std::string u = pick(users);
            if (auto it = f.state.groups.find(g); it != f.state.groups.end() && !it->second.pending.empty()) {
                u = pick(it->second.pending);
            }
            // Mostly ask as the owner.
            std::string as = tok;
            if (auto it = f.state.groups.find(g); it != f.state.groups.end() && op % 4 != 0) {
                for (const auto& [t, s] : f.state.sessions) {
                    if (s.user == it->second.owner) as = t;
                }
            }
            f.run(msg::AcceptRequest{as, g, u});
        } else if (op < 100) {
            const auto& g = pick(groups);
            std::string u = pick(users);
            if (auto it = f.state.groups.find(g); it != f.state.groups.end() && !it->second.pending.empty()) {
                u = it->second.pending.front();
            }
            f.run(msg::RejectRequest{tok, g, u});
        } else if (op < 112) {
            // Mostly as a member of the group.
            const auto& g = pick(groups);
            std::string as = tok;
            if (auto it = f.state.groups.find(g); it != f.state.groups.end() && op % 4 != 0) {
                if (auto t = token_of_one_of(it->second.members); !t.empty()) as = t;
            }
            f.run(msg::ShareFile{as, g, pick(metas), op % 3 != 0});
        } else {
            // Mostly a shared file, as one of its sharers.
            std::string g = pick(groups);
            std::string name = pick(file_names);
            std::vector<std::pair<std::string, std::string>> shared;
            for (const auto& [gn, group] : f.state.groups) {
                for (const auto& [fn, file] : group.files) shared.emplace_back(gn, fn);
            }
            if (!shared.empty() && op % 2 == 0) std::tie(g, name) = pick(shared);
            std::string as = tok;
            if (auto it = f.state.groups.find(g); it != f.state.groups.end() && op % 4 != 0) {
                if (auto file = it->second.files.find(name); file != it->second.files.end()) {
                    std::vector<std::string> sharers;
                    for (const auto& [u, complete] : file->second.sharers) sharers.push_back(u);
                    if (auto t = token_of_one_of(sharers); !t.empty()) as = t;
                }
            }
            f.run(msg::StopShare{as, g, name});
        }
    }
}

std::size_t count_changed(const std::vector<Command>& commands) {
    State s;
    std::size_t changed = 0;
    for (const auto& c : commands) changed += p2p::tracker::apply(s, c).changed ? 1 : 0;
    return changed;
}

// [command index] -> {accepted, refused}
std::map<std::size_t, std::pair<int, int>> outcomes_by_kind(const std::vector<Command>& commands) {
    State s;
    std::map<std::size_t, std::pair<int, int>> out;
    for (const auto& c : commands) {
        auto& [yes, no] = out[c.index()];
        (p2p::tracker::apply(s, c).changed ? yes : no) += 1;
    }
    return out;
}

}  // namespace

TEST_CASE("replay: the journal of commands rebuilds exactly the live state", "[machine][replay]") {
    Fixture live;
    // Any seed does; this one ends with sessions, groups and files in the
    // state, so that the comparisons below cover them (checked below).
    random_session(live, 13u, 2000);
    REQUIRE(live.applied.size() == 2000);

    // The session must exercise the machine, not just bounce off it.
    const std::size_t changed = count_changed(live.applied);
    CHECK(changed > 300);
    CHECK(changed < 1700);
    const auto by_kind = outcomes_by_kind(live.applied);
    REQUIRE(by_kind.size() == std::variant_size_v<Command>);
    for (const auto& [index, counts] : by_kind) {
        INFO("command kind #" << index << ": " << counts.first << " accepted, " << counts.second << " refused");
        CHECK(counts.first >= 5);
        CHECK(counts.second >= 5);
    }
    CHECK(live.state.users.size() >= 5);
    CHECK_FALSE(live.state.sessions.empty());
    CHECK_FALSE(live.state.groups.empty());
    std::size_t files_now = 0;
    for (const auto& [name, g] : live.state.groups) files_now += g.files.size();
    CHECK(files_now > 0);  // so the comparisons below cover files too

    SECTION("every command through encode_command/decode_command into a fresh state") {
        State replayed;
        for (const auto& c : live.applied) {
            auto back = decode_command(encode_command(c));
            REQUIRE(back.ok());
            REQUIRE(back->index() == c.index());
            p2p::tracker::apply(replayed, *back);
        }
        CHECK(replayed == live.state);
    }
    SECTION("only the changed commands (what the tracker journals) suffice") {
        State shadow, replayed;
        std::vector<std::string> journal;
        for (const auto& c : live.applied) {
            if (p2p::tracker::apply(shadow, c).changed) journal.push_back(encode_command(c));
        }
        REQUIRE(journal.size() == changed);
        for (const auto& bytes : journal) {
            auto back = decode_command(bytes);
            REQUIRE(back.ok());
            CHECK(p2p::tracker::apply(replayed, *back).changed);
        }
        CHECK(replayed == live.state);
    }
    SECTION("the state survives encode_state/decode_state") {
        CHECK(decode_state(encode_state(live.state)) == live.state);
        CHECK(decode_state(encode_state(State{})) == State{});
    }
    SECTION("State equality notices a difference (so the checks above can fail)") {
        State other = live.state;
        REQUIRE(other == live.state);
        other.groups.begin()->second.pending.push_back("zed");
        CHECK_FALSE(other == live.state);
        for (auto& [name, g] : other.groups) {
            g.pending = live.state.groups.at(name).pending;
            if (g.files.empty()) continue;
            REQUIRE(other == live.state);
            auto& file = g.files.begin()->second;
            file.sharers.begin()->second = !file.sharers.begin()->second;
            CHECK_FALSE(other == live.state);
            file.sharers.begin()->second = !file.sharers.begin()->second;
            file.meta.size += 1;
            CHECK_FALSE(other == live.state);
            break;
        }
    }
}

TEST_CASE("invariants hold after every command of a long random session", "[machine][replay]") {
    Fixture f;
    random_session(f, 7u, 2000);
    // Re-run step by step, checking after each command.
    State s;
    for (std::size_t i = 0; i < f.applied.size(); ++i) {
        const State before = s;
        auto o = p2p::tracker::apply(s, f.applied[i]);
        if (!o.changed) {
            REQUIRE(s == before);
            REQUIRE(o.events.empty());
            // Refused, or a ShareFile repeating what the tracker already had.
            if (!std::holds_alternative<msg::ShareFile>(f.applied[i])) REQUIRE(std::holds_alternative<msg::Error>(o.reply));
        }
        if (auto broken = broken_invariant(s)) FAIL("after command " << i << ": " << *broken);
    }
    CHECK(s == f.state);
}

TEST_CASE("decode_command refuses what is not a command", "[machine][replay]") {
    SECTION("garbage bytes") {
        CHECK_FALSE(decode_command("").ok());
        CHECK_FALSE(decode_command("\xff\xff\xff\xff").ok());
        CHECK_FALSE(decode_command("hello world").ok());
    }
    SECTION("a well-formed envelope of another kind") {
        auto ok = decode_command(encode(0, msg::Ok{"fine"}));
        REQUIRE_FALSE(ok.ok());
        CHECK(ok.error().find("Ok") != std::string::npos);
        CHECK_FALSE(decode_command(encode(0, msg::Login{"alice", "pw", "n", "e"})).ok());
        CHECK_FALSE(decode_command(encode(0, msg::ListGroups{"t"})).ok());
    }
    SECTION("a truncated command") {
        const auto bytes = encode_command(msg::CreateGroup{"tok", "films"});
        CHECK(decode_command(bytes).ok());
        CHECK_FALSE(decode_command(std::string_view(bytes).substr(0, bytes.size() - 1)).ok());
    }
    SECTION("every command kind round-trips with its fields") {
        const std::vector<Command> all{StoredCreateUser{"u", "s", "h", 7},
                                       StoredOpenSession{"t", "u", "n", "e"},
                                       StoredCloseSession{"t", "r"},
                                       msg::Logout{"t"},
                                       msg::CreateGroup{"t", "g"},
                                       msg::JoinGroup{"t", "g"},
                                       msg::LeaveGroup{"t", "g"},
                                       msg::AcceptRequest{"t", "g", "u"},
                                       msg::RejectRequest{"t", "g", "u"},
                                       msg::ShareFile{"t", "g", meta_for("f.bin", 1000), false},
                                       msg::StopShare{"t", "g", "f.bin"}};
        REQUIRE(all.size() == std::variant_size_v<Command>);
        for (const auto& c : all) {
            auto back = decode_command(encode_command(c));
            REQUIRE(back.ok());
            CHECK(back->index() == c.index());
            CHECK(encode_command(*back) == encode_command(c));
        }
        auto user = decode_command(encode_command(all[0]));
        const auto& cu = std::get<StoredCreateUser>(*user);
        CHECK(cu.user == "u");
        CHECK(cu.salt == "s");
        CHECK(cu.hash == "h");
        CHECK(cu.iterations == 7);
        auto share = decode_command(encode_command(all[9]));
        const auto& sf = std::get<msg::ShareFile>(*share);
        CHECK(sf.token == "t");
        CHECK(sf.group == "g");
        CHECK(sf.meta == meta_for("f.bin", 1000));
        CHECK_FALSE(sf.complete);
    }
}
