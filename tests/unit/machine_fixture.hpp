#pragma once
// Drives the pure tracker state machine (tracker/core/machine.hpp) directly,
// without sockets: the tracker's own work (hashing, drawing tokens) is replaced
// by fixed salts, hashes and counting tokens.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "messages/file_meta.hpp"
#include "messages/sha256.hpp"
#include "tracker/core/commands.hpp"
#include "tracker/core/machine.hpp"
#include "tracker/core/state.hpp"

namespace p2p::tracker::testing {

inline bool is_ok(const Reply& r) { return std::holds_alternative<msg::Ok>(r); }
inline bool is_ok(const Outcome& o) { return is_ok(o.reply); }

// The Error code of a reply, "" when the reply is no Error.
inline std::string error_code(const Reply& r) {
    if (const auto* e = std::get_if<msg::Error>(&r)) return e->code;
    return {};
}
inline std::string error_code(const Outcome& o) { return error_code(o.reply); }
inline std::string error_text(const Reply& r) {
    if (const auto* e = std::get_if<msg::Error>(&r)) return e->text;
    return {};
}
inline std::string error_text(const Outcome& o) { return error_text(o.reply); }

// Metadata that passes files::check_meta: real SHA-256 piece hashes (of
// made-up piece contents; `salt` tells two files of one name apart) and the
// file id over them.
inline files::FileMeta meta_for(const std::string& name, uint64_t size, const std::string& salt = "",
                                uint32_t piece_size = files::kPieceSize) {
    files::FileMeta m{name, size, piece_size, {}, {}};
    for (uint64_t i = 0; i < files::num_pieces(size, piece_size); ++i) {
        m.piece_hashes.push_back(files::sha256(name + "/" + salt + "/" + std::to_string(i)));
    }
    m.file_id = files::file_id_of(m.piece_hashes);
    return m;
}

struct Fixture {
    State state;
    std::vector<Command> applied;  // every command, refused ones included, in order
    int tokens_drawn = 0;

    Outcome run(const Command& c) {
        applied.push_back(c);
        return p2p::tracker::apply(state, c);
    }

    // Creates a user with a fixed salt/hash; requires success.
    void user(const std::string& name) {
        auto o = run(StoredCreateUser{name, "salt-" + name, "hash-" + name, 1000});
        INFO("creating user " << name << ": " << error_text(o.reply));
        REQUIRE(o.changed);
    }

    Outcome open_session(const std::string& user, const std::string& node, const std::string& token) {
        return run(StoredOpenSession{token, user, node, endpoint_of(node)});
    }

    // Logs user in from node with a fresh fixed token; requires success.
    std::string login(const std::string& user, const std::string& node) {
        const std::string token = "tok-" + std::to_string(++tokens_drawn) + "-" + user;
        auto o = open_session(user, node, token);
        INFO("login " << user << " on " << node << ": " << error_text(o.reply));
        REQUIRE(o.changed);
        REQUIRE(std::holds_alternative<msg::LoginOk>(o.reply));
        return token;
    }

    static std::string endpoint_of(const std::string& node) { return "127.0.0.1:" + std::to_string(7000 + node.size()); }

    Outcome logout(const std::string& tok) { return run(msg::Logout{tok}); }
    Outcome close(const std::string& tok, const std::string& reason) { return run(StoredCloseSession{tok, reason}); }
    Outcome create_group(const std::string& tok, const std::string& g) { return run(msg::CreateGroup{tok, g}); }
    Outcome join(const std::string& tok, const std::string& g) { return run(msg::JoinGroup{tok, g}); }
    Outcome leave(const std::string& tok, const std::string& g) { return run(msg::LeaveGroup{tok, g}); }
    Outcome accept(const std::string& tok, const std::string& g, const std::string& u) {
        return run(msg::AcceptRequest{tok, g, u});
    }
    Outcome reject(const std::string& tok, const std::string& g, const std::string& u) {
        return run(msg::RejectRequest{tok, g, u});
    }
    Outcome share(const std::string& tok, const std::string& g, const files::FileMeta& meta, bool complete = true) {
        return run(msg::ShareFile{tok, g, meta, complete});
    }
    Outcome stop(const std::string& tok, const std::string& g, const std::string& name) {
        return run(msg::StopShare{tok, g, name});
    }
    Reply files(const std::string& tok, const std::string& g) const { return list_files(state, msg::ListFiles{tok, g}); }
    Reply file(const std::string& tok, const std::string& g, const std::string& name) const {
        return get_file(state, msg::GetFile{tok, g, name});
    }
    Reply sources(const std::string& tok, const std::string& g, const std::string& name) const {
        return get_sources(state, msg::GetSources{tok, g, name});
    }
    Reply groups(const std::string& tok) const { return list_groups(state, msg::ListGroups{tok}); }
    Reply requests(const std::string& tok, const std::string& g) const {
        return list_requests(state, msg::ListRequests{tok, g});
    }

    // Applies c, which must be refused: no change, no events, state untouched.
    // Returns the error code.
    std::string refused(const Command& c) {
        const State before = state;
        auto o = run(c);
        CHECK_FALSE(o.changed);
        CHECK(o.events.empty());
        CHECK(state == before);
        REQUIRE(std::holds_alternative<msg::Error>(o.reply));
        return error_code(o);
    }

    // Must succeed (Ok or LoginOk, changed); returns the outcome.
    Outcome ok(const Command& c) {
        auto o = run(c);
        INFO("refused: " << error_code(o) << ": " << error_text(o.reply));
        REQUIRE(o.changed);
        REQUIRE((std::holds_alternative<msg::Ok>(o.reply) || std::holds_alternative<msg::LoginOk>(o.reply)));
        return o;
    }

    const Group& group(const std::string& g) const {
        auto it = state.groups.find(g);
        INFO("group " << g);
        REQUIRE(it != state.groups.end());
        return it->second;
    }

    bool has_file(const std::string& g, const std::string& name) const {
        auto it = state.groups.find(g);
        return it != state.groups.end() && it->second.files.count(name) == 1;
    }
    const SharedFile& shared(const std::string& g, const std::string& name) const {
        INFO("file " << name << " in " << g);
        REQUIRE(has_file(g, name));
        return state.groups.at(g).files.at(name);
    }
};

inline bool has_event(const Outcome& o, const std::string& topic, const std::string& type, const std::string& user) {
    return std::any_of(o.events.begin(), o.events.end(), [&](const Event& e) {
        return e.topic == topic && e.body.type == type && e.body.user == user;
    });
}

inline bool has_file_event(const Outcome& o, const std::string& group, const std::string& type,
                           const std::string& file, const std::string& user) {
    return std::any_of(o.events.begin(), o.events.end(), [&](const Event& e) {
        return e.topic == msg::group_topic(group) && e.body.type == type && e.body.group == group &&
               e.body.file == file && e.body.user == user;
    });
}

// The group list row for g, or nullptr.
inline const msg::GroupSummary* row(const msg::GroupList& list, const std::string& g) {
    for (const auto& s : list.groups) {
        if (s.name == g) return &s;
    }
    return nullptr;
}

}  // namespace p2p::tracker::testing
