#pragma once
// The tracker's rules as a pure function: (state, command) -> (state',
// reply, events). No sockets, no clock, no disk, no randomness, so that it is
// unit-tested directly and a journal replay rebuilds exactly the live state.
//
// The rules (the assignment's, plus what a careful user expects):
//  - A group's creator owns it. Only members see it as theirs; a non-member's
//    join_group creates a pending request that only the owner can list,
//    accept or reject.
//  - When the owner leaves, the member who joined next becomes owner; the
//    group is deleted when its last member leaves. Leaving while pending
//    cancels the request.
//  - One session per user: a login from another node is refused while the
//    user's session lives; a login from the same node replaces it; a node
//    holds at most one session.
//  - Files belong to a group, by name. Only members share, list or fetch
//    them. A name names one file (one metadata) per group: sharing another
//    file under a taken name is refused; sharing the same file again adds
//    the user as a sharer (complete or partial; complete never goes back to
//    partial). A file goes when its last sharer stops sharing it or leaves
//    the group, and with its group.
//  - Sharers are users, not sessions: logging out or timing out leaves the
//    user a sharer, just offline (not a source) until it logs in again.
//  - Sources handed to a downloader are the online sharers, never the
//    asking user. The tracker actor adds the signed ticket (it owns the key
//    and the clock).
#include <optional>

#include "tracker/core/commands.hpp"
#include "tracker/core/state.hpp"

namespace p2p::tracker {

Outcome apply(State& state, const Command& command);

// Applies a journal entry: a request already answered (same origin and
// request id) gets its first reply again (Replayed) and changes nothing;
// otherwise the command is applied and, if it changed the state, its reply
// is remembered under the entry's key.
Outcome apply(State& state, const Entry& entry);

// The remembered reply to a node's request, or nullptr.
const RecentReply* find_reply(const State& state, const std::string& origin, uint64_t request_id);

Reply list_groups(const State& state, const msg::ListGroups& request);
Reply list_requests(const State& state, const msg::ListRequests& request);
// FileList, sorted by name.
Reply list_files(const State& state, const msg::ListFiles& request);
// FileDetails / SourceList with an empty ticket; the asker is request.token.
Reply get_file(const State& state, const msg::GetFile& request);
Reply get_sources(const State& state, const msg::GetSources& request);

// Checks made before the (slow) password hash is computed, so that a doomed
// request costs nothing. The same checks run again in apply().
std::optional<msg::Error> check_create_user(const State& state, const msg::CreateUser& request);
// On success, the stored user whose hash the password must match.
Result<User> check_login(const State& state, const msg::Login& request);

// The user a token belongs to, or nullptr.
const Session* find_session(const State& state, const std::string& token);

// A token is only good from the CURVE key that logged in: a request that
// carries someone else's token from another key is forged. Empty keys (plain
// mode) are not checked.
bool token_fits_key(const State& state, const std::string& token, const std::string& key);

}  // namespace p2p::tracker
