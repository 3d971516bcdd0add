#pragma once
// What must hold of the tracker's State after any command a client can send
// (the tracker's own Stored* records are trusted). Shared by the unit tests
// and the fuzzers (tests/fuzz), so that both hold the machine to one list.
#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "messages/file_meta.hpp"
#include "tracker/core/state.hpp"

namespace p2p::tracker::testing {

// The first rule broken, in words; nullopt when every rule holds.
inline std::optional<std::string> broken_invariant(const State& s) {
    std::set<std::string> session_users, session_nodes;
    for (const auto& [token, session] : s.sessions) {
        if (!s.users.count(session.user)) return "session " + token + " of unknown user " + session.user;
        if (!session_users.insert(session.user).second) return "two sessions of user " + session.user;
        if (!session_nodes.insert(session.node_id).second) return "two sessions on node " + session.node_id;
    }
    for (const auto& [name, g] : s.groups) {
        const std::string where = "group " + name + ": ";
        if (g.members.empty()) return where + "no member";
        if (g.owner != g.members.front()) return where + "the owner is not the first member";
        std::set<std::string> seen;  // members and pending: no duplicates, disjoint
        for (const auto& m : g.members) {
            if (!seen.insert(m).second) return where + "member " + m + " twice";
        }
        for (const auto& p : g.pending) {
            if (!seen.insert(p).second) return where + "pending " + p + " twice, or also a member";
        }
        for (const auto& u : seen) {
            if (!s.users.count(u)) return where + "unknown user " + u;
        }
        for (const auto& [file_name, file] : g.files) {
            const std::string file_where = where + "file " + file_name + ": ";
            if (file.meta.name != file_name) return file_where + "its metadata names " + file.meta.name;
            if (!files::check_meta(file.meta)) return file_where + "bad metadata";
            if (file.sharers.empty()) return file_where + "no sharer";
            for (const auto& [user, complete] : file.sharers) {
                if (std::find(g.members.begin(), g.members.end(), user) == g.members.end()) {
                    return file_where + "sharer " + user + " is not a member";
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace p2p::tracker::testing
