#include "tracker/core/machine.hpp"

#include <algorithm>
#include <iterator>

#include "messages/names.hpp"
#include "messages/tracker_info.hpp"

namespace p2p::tracker {

namespace {

using msg::Error;
namespace ev = msg::event;

Error error(std::string code, std::string text) { return Error{std::move(code), std::move(text)}; }

Outcome refuse(std::string code, std::string text) {
    return Outcome{error(std::move(code), std::move(text)), {}, false};
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

void erase(std::vector<std::string>& v, const std::string& x) { std::erase(v, x); }

Event group_event(const std::string& type, const std::string& group, const std::string& user,
                  const std::string& by = {}) {
    return Event{msg::group_topic(group), msg::TrackerEvent{type, group, user, by}};
}

Event user_event(const std::string& to, const std::string& type, const std::string& group,
                 const std::string& user, const std::string& by = {}) {
    return Event{msg::user_topic(to), msg::TrackerEvent{type, group, user, by}};
}

Event file_event(const std::string& type, const std::string& group, const std::string& file,
                 const std::string& user) {
    msg::TrackerEvent body{type, group, user, {}, file};
    return Event{msg::group_topic(group), std::move(body)};
}

// Resolves a request's token to its user, or the reason it can't be.
Result<std::string> session_user(const State& state, const std::string& token) {
    if (token.empty()) return fail("not logged in: use login USER PASSWORD first");
    const Session* s = find_session(state, token);
    if (!s) return fail("your session has ended (expired or logged out): log in again");
    return s->user;
}

// Common prologue of group commands: a valid session and a valid group name.
struct Actor {
    std::string user;
    std::optional<Error> problem;
};

Actor authorize(const State& state, const std::string& token, const std::string& group) {
    auto user = session_user(state, token);
    if (!user) return Actor{{}, error("not_logged_in", user.error())};
    if (auto bad = check_name("group", group)) return Actor{*user, error("bad_name", *bad)};
    return Actor{*user, std::nullopt};
}

Outcome apply_create_user(State& state, const StoredCreateUser& c) {
    if (auto bad = check_name("user", c.user)) return refuse("bad_name", *bad);
    if (state.users.count(c.user)) return refuse("exists", "user " + c.user + " already exists");
    state.users[c.user] = User{c.salt, c.hash, c.iterations};
    return Outcome{msg::Ok{"user " + c.user + " created"}, {}, true};
}

std::vector<std::string> groups_of(const State& state, const std::string& user) {
    std::vector<std::string> out;
    for (const auto& [name, g] : state.groups) {
        if (contains(g.members, user)) out.push_back(name);
    }
    return out;
}

Outcome apply_open_session(State& state, const StoredOpenSession& c) {
    if (!state.users.count(c.user)) return refuse("no_such_user", "no user " + c.user);
    for (const auto& [token, s] : state.sessions) {
        // The same node id from another key is another node that claims it.
        if (s.user == c.user && (s.node_id != c.node_id || s.node_key != c.node_key)) {
            return refuse("logged_in_elsewhere", "user " + c.user + " is already logged in on another node (" +
                                                     s.endpoint + "); log out there first");
        }
    }
    // This node's earlier session (it restarted, or switches user) ends here.
    std::erase_if(state.sessions,
                  [&](const auto& kv) { return kv.second.node_id == c.node_id && kv.second.node_key == c.node_key; });
    state.sessions[c.token] = Session{c.user, c.node_id, c.endpoint, c.node_key};
    return Outcome{msg::LoginOk{c.token, c.user, groups_of(state, c.user)}, {}, true};
}

Outcome apply_close_session(State& state, const std::string& token, const std::string& reason) {
    auto it = state.sessions.find(token);
    if (it == state.sessions.end()) {
        return refuse("not_logged_in", "no such session (already logged out or expired)");
    }
    const std::string user = it->second.user;
    state.sessions.erase(it);
    return Outcome{msg::Ok{"user " + user + " " + reason}, {}, true};
}

Outcome apply_create_group(State& state, const msg::CreateGroup& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    if (state.groups.count(c.group)) return refuse("exists", "group " + c.group + " already exists");
    state.groups[c.group] = Group{who.user, {who.user}, {}};
    return Outcome{msg::Ok{"group " + c.group + " created; you own it"},
                   {group_event(ev::kMemberJoined, c.group, who.user)},
                   true};
}

Outcome apply_join_group(State& state, const msg::JoinGroup& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    auto it = state.groups.find(c.group);
    if (it == state.groups.end()) return refuse("no_such_group", "no group " + c.group);
    Group& g = it->second;
    if (contains(g.members, who.user)) return refuse("already_member", "you are already a member of " + c.group);
    if (contains(g.pending, who.user)) {
        return refuse("already_pending", "your request to join " + c.group + " is already pending");
    }
    g.pending.push_back(who.user);
    return Outcome{msg::Ok{"request to join " + c.group + " sent to its owner " + g.owner},
                   {group_event(ev::kJoinRequested, c.group, who.user),
                    user_event(g.owner, ev::kJoinRequested, c.group, who.user)},
                   true};
}

// Files are for members only: the group exists and the user is in it.
std::optional<Error> check_member(const State& state, const std::string& user, const std::string& group,
                                  const std::string& to_do) {
    auto it = state.groups.find(group);
    if (it == state.groups.end()) return error("no_such_group", "no group " + group);
    if (!contains(it->second.members, user)) return error("not_member", "only members of " + group + " can " + to_do);
    return std::nullopt;
}

// Drops user from one file's sharers; a file left with no sharer goes, and
// its group hears file_removed.
void drop_sharer(Group& g, const std::string& group, std::map<std::string, SharedFile>::iterator file,
                 const std::string& user, std::vector<Event>& events) {
    if (file->second.sharers.erase(user) == 0) return;
    if (!file->second.sharers.empty()) {
        events.push_back(file_event(ev::kSourceRemoved, group, file->first, user));
        return;
    }
    events.push_back(file_event(ev::kFileRemoved, group, file->first, user));
    g.files.erase(file);
}

// Drops user from every file of g (the user leaves the group).
void drop_shares(Group& g, const std::string& group, const std::string& user, std::vector<Event>& events) {
    for (auto it = g.files.begin(); it != g.files.end();) drop_sharer(g, group, it++, user, events);
}

Outcome apply_leave_group(State& state, const msg::LeaveGroup& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    auto it = state.groups.find(c.group);
    if (it == state.groups.end()) return refuse("no_such_group", "no group " + c.group);
    Group& g = it->second;
    if (contains(g.pending, who.user)) {
        erase(g.pending, who.user);
        return Outcome{msg::Ok{"request to join " + c.group + " cancelled"},
                       {group_event(ev::kRequestCancelled, c.group, who.user),
                        user_event(g.owner, ev::kRequestCancelled, c.group, who.user)},
                       true};
    }
    if (!contains(g.members, who.user)) return refuse("not_member", "you are not a member of " + c.group);
    erase(g.members, who.user);
    std::vector<Event> events{group_event(ev::kMemberLeft, c.group, who.user)};
    if (g.members.empty()) {
        for (const auto& u : g.pending) events.push_back(user_event(u, ev::kGroupDeleted, c.group, u));
        events.push_back(group_event(ev::kGroupDeleted, c.group, who.user));
        state.groups.erase(it);  // its files go with it
        return Outcome{msg::Ok{"left " + c.group + "; it had no other member and is deleted"}, events, true};
    }
    drop_shares(g, c.group, who.user, events);
    if (g.owner == who.user) {
        g.owner = g.members.front();
        events.push_back(group_event(ev::kOwnerChanged, c.group, g.owner, who.user));
        return Outcome{msg::Ok{"left " + c.group + "; " + g.owner + " is its owner now"}, events, true};
    }
    return Outcome{msg::Ok{"left " + c.group}, events, true};
}

// The owner's checks shared by accept and reject: group exists, caller owns
// it, user named has a pending request.
std::optional<Error> check_owner_decision(const State& state, const std::string& owner,
                                          const std::string& group, const std::string& user) {
    if (auto bad = check_name("user", user)) return error("bad_name", *bad);
    auto it = state.groups.find(group);
    if (it == state.groups.end()) return error("no_such_group", "no group " + group);
    if (it->second.owner != owner) {
        return error("not_owner", "only the owner of " + group + " (" + it->second.owner + ") can do that");
    }
    if (!contains(it->second.pending, user)) {
        return error("no_such_request", user + " has no pending request to join " + group);
    }
    return std::nullopt;
}

Outcome apply_accept(State& state, const msg::AcceptRequest& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    if (auto bad = check_owner_decision(state, who.user, c.group, c.user)) return Outcome{*bad, {}, false};
    Group& g = state.groups[c.group];
    erase(g.pending, c.user);
    g.members.push_back(c.user);
    return Outcome{msg::Ok{c.user + " is now a member of " + c.group},
                   {group_event(ev::kMemberJoined, c.group, c.user, who.user),
                    user_event(c.user, ev::kRequestAccepted, c.group, c.user, who.user)},
                   true};
}

Outcome apply_reject(State& state, const msg::RejectRequest& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    if (auto bad = check_owner_decision(state, who.user, c.group, c.user)) return Outcome{*bad, {}, false};
    erase(state.groups[c.group].pending, c.user);
    return Outcome{msg::Ok{"request of " + c.user + " to join " + c.group + " rejected"},
                   {user_event(c.user, ev::kRequestRejected, c.group, c.user, who.user)},
                   true};
}

// ---------------------------------------------------------------- files

std::string pieces_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " piece" : " pieces"); }

// New file: added with its sharer, file_added. Same file again: the user
// is (still) a sharer, complete if either announcement said so
// (source_added, source_completed); nothing to journal when that was
// already so. Another file under the name: refused.
Outcome apply_share_file(State& state, const msg::ShareFile& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    if (auto bad = check_member(state, who.user, c.group, "share files in it")) return Outcome{*bad, {}, false};
    if (auto valid = files::check_meta(c.meta); !valid) return refuse("bad_meta", valid.error());
    Group& g = state.groups.at(c.group);
    const std::string& name = c.meta.name;
    const msg::Ok ok{"sharing " + name + " in " + c.group + " (" + pieces_text(c.meta.piece_hashes.size()) + ")"};
    auto it = g.files.find(name);
    if (it == g.files.end()) {
        g.files.emplace(name, SharedFile{c.meta, {{who.user, c.complete}}});
        return Outcome{ok, {file_event(ev::kFileAdded, c.group, name, who.user)}, true};
    }
    SharedFile& file = it->second;
    // Same name, same file means the same metadata: the file id covers the
    // piece hashes but not the size or piece size.
    if (!(file.meta == c.meta)) {
        return refuse("name_taken", "a different file named " + name + " is already shared in " + c.group);
    }
    auto [sharer, added] = file.sharers.try_emplace(who.user, c.complete);
    const bool completed = !added && c.complete && !sharer->second;
    if (completed) sharer->second = true;
    std::vector<Event> events;
    if (added) events.push_back(file_event(ev::kSourceAdded, c.group, name, who.user));
    // A new sharer that has it all is announced as added, then completed.
    if (completed || (added && c.complete)) events.push_back(file_event(ev::kSourceCompleted, c.group, name, who.user));
    return Outcome{ok, events, added || completed};
}

Outcome apply_stop_share(State& state, const msg::StopShare& c) {
    auto who = authorize(state, c.token, c.group);
    if (who.problem) return Outcome{*who.problem, {}, false};
    if (auto bad = check_file_name(c.name)) return refuse("bad_name", "file name " + *bad);
    auto git = state.groups.find(c.group);
    if (git == state.groups.end()) return refuse("no_such_group", "no group " + c.group);
    Group& g = git->second;
    auto file = g.files.find(c.name);
    if (file == g.files.end() || !file->second.sharers.count(who.user)) {
        return refuse("not_sharing", "you are not sharing " + c.name + " in " + c.group);
    }
    std::vector<Event> events;
    drop_sharer(g, c.group, file, who.user, events);
    return Outcome{msg::Ok{"stopped sharing " + c.name + " in " + c.group}, events, true};
}

// Users with a live session -> that session (one per user).
std::map<std::string, const Session*> online_users(const State& state) {
    std::map<std::string, const Session*> out;
    for (const auto& [token, s] : state.sessions) out.emplace(s.user, &s);
    return out;
}

// The common prologue of get_file and get_sources.
struct FileLookup {
    std::string user;
    const SharedFile* file = nullptr;
    std::optional<Error> problem;
};

FileLookup find_file(const State& state, const std::string& token, const std::string& group,
                     const std::string& name) {
    auto who = authorize(state, token, group);
    if (who.problem) return FileLookup{{}, nullptr, who.problem};
    if (auto bad = check_file_name(name)) return FileLookup{who.user, nullptr, error("bad_name", "file name " + *bad)};
    if (auto bad = check_member(state, who.user, group, "download its files")) return FileLookup{who.user, nullptr, bad};
    const auto& files = state.groups.at(group).files;
    auto it = files.find(name);
    if (it == files.end()) return FileLookup{who.user, nullptr, error("no_such_file", "no file " + name + " in " + group)};
    return FileLookup{who.user, &it->second, std::nullopt};
}

// The sharers with a live session, but not the asker: where to fetch from.
std::vector<msg::Source> online_sources(const State& state, const SharedFile& file, const std::string& asker) {
    const auto online = online_users(state);
    std::vector<msg::Source> out;
    for (const auto& [user, complete] : file.sharers) {
        if (user == asker) continue;
        if (auto it = online.find(user); it != online.end()) {
            out.push_back(msg::Source{user, it->second->endpoint, complete, it->second->node_key});
        }
    }
    return out;
}

// Who, which group, which file, for which node key; the actor adds expires and the signature.
msg::Ticket unsigned_ticket(const State& state, const std::string& token, const std::string& user,
                            const std::string& group, const SharedFile& file) {
    const Session* s = find_session(state, token);
    return msg::Ticket{user, group, file.meta.file_id, 0, {}, s ? s->node_key : std::string()};
}

}  // namespace

const Session* find_session(const State& state, const std::string& token) {
    auto it = state.sessions.find(token);
    return it == state.sessions.end() ? nullptr : &it->second;
}

Outcome apply(State& state, const Command& command) {
    return std::visit(
        [&](const auto& c) -> Outcome {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, StoredCreateUser>) return apply_create_user(state, c);
            if constexpr (std::is_same_v<T, StoredOpenSession>) return apply_open_session(state, c);
            if constexpr (std::is_same_v<T, StoredCloseSession>) return apply_close_session(state, c.token, c.reason);
            if constexpr (std::is_same_v<T, msg::Logout>) return apply_close_session(state, c.token, "logged out");
            if constexpr (std::is_same_v<T, msg::CreateGroup>) return apply_create_group(state, c);
            if constexpr (std::is_same_v<T, msg::JoinGroup>) return apply_join_group(state, c);
            if constexpr (std::is_same_v<T, msg::LeaveGroup>) return apply_leave_group(state, c);
            if constexpr (std::is_same_v<T, msg::AcceptRequest>) return apply_accept(state, c);
            if constexpr (std::is_same_v<T, msg::RejectRequest>) return apply_reject(state, c);
            if constexpr (std::is_same_v<T, msg::ShareFile>) return apply_share_file(state, c);
            if constexpr (std::is_same_v<T, msg::StopShare>) return apply_stop_share(state, c);
        },
        command);
}

Reply list_groups(const State& state, const msg::ListGroups& request) {
    auto user = session_user(state, request.token);
    if (!user) return error("not_logged_in", user.error());
    msg::GroupList out;
    out.groups.reserve(state.groups.size());
    for (const auto& [name, g] : state.groups) {
        std::string status;
        if (g.owner == *user) {
            status = "owner";
        } else if (contains(g.members, *user)) {
            status = "member";
        } else if (contains(g.pending, *user)) {
            status = "pending";
        }
        out.groups.push_back(msg::GroupSummary{name, g.owner, static_cast<uint32_t>(g.members.size()), status});
    }
    return out;
}

Reply list_requests(const State& state, const msg::ListRequests& request) {
    auto who = authorize(state, request.token, request.group);
    if (who.problem) return *who.problem;
    auto it = state.groups.find(request.group);
    if (it == state.groups.end()) return error("no_such_group", "no group " + request.group);
    if (it->second.owner != who.user) {
        return error("not_owner", "only the owner of " + request.group + " (" + it->second.owner +
                                      ") can list its join requests");
    }
    return msg::UserList{it->second.pending};
}

Reply list_files(const State& state, const msg::ListFiles& request) {
    auto who = authorize(state, request.token, request.group);
    if (who.problem) return *who.problem;
    if (auto bad = check_member(state, who.user, request.group, "see its files")) return *bad;
    const auto online = online_users(state);
    msg::FileList out;
    for (const auto& [name, file] : state.groups.at(request.group).files) {
        msg::FileSummary row{name, file.meta.size, 0, 0, static_cast<uint32_t>(file.sharers.size())};
        for (const auto& [user, complete] : file.sharers) {
            if (!online.count(user)) continue;
            ++row.sources_online;
            if (complete) ++row.complete_online;
        }
        out.files.push_back(std::move(row));
    }
    return out;
}

Reply get_file(const State& state, const msg::GetFile& request) {
    auto found = find_file(state, request.token, request.group, request.name);
    if (found.problem) return *found.problem;
    return msg::FileDetails{request.group, found.file->meta, online_sources(state, *found.file, found.user),
                            unsigned_ticket(state, request.token, found.user, request.group, *found.file)};
}

Reply get_sources(const State& state, const msg::GetSources& request) {
    auto found = find_file(state, request.token, request.group, request.name);
    if (found.problem) return *found.problem;
    return msg::SourceList{request.group, request.name, online_sources(state, *found.file, found.user),
                           unsigned_ticket(state, request.token, found.user, request.group, *found.file)};
}

std::optional<msg::Error> check_create_user(const State& state, const msg::CreateUser& request) {
    if (auto bad = check_name("user", request.user)) return error("bad_name", *bad);
    if (auto bad = check_password(request.password)) return error("bad_password", *bad);
    if (state.users.count(request.user)) return error("exists", "user " + request.user + " already exists");
    return std::nullopt;
}

Result<User> check_login(const State& state, const msg::Login& request) {
    if (auto bad = check_name("user", request.user)) return fail(*bad);
    if (auto bad = check_password(request.password)) return fail(*bad);
    // Other members' nodes connect to it: one they cannot parse stopped their
    // transfer engines. Checked here, not in apply(), so journals of older
    // binaries still replay.
    if (auto endpoint = parse_host_port(request.endpoint); !endpoint) return fail("endpoint " + endpoint.error());
    auto it = state.users.find(request.user);
    // Same words for a wrong user as for a wrong password: don't reveal which.
    if (it == state.users.end()) return fail("wrong user name or password");
    // "Logged in elsewhere" is only said after the password matched
    // (apply_open_session), so that nobody learns who is online without it.
    return it->second;
}

const RecentReply* find_reply(const State& state, const std::string& origin, uint64_t request_id) {
    auto it = state.replies.find(origin);
    if (it == state.replies.end()) return nullptr;
    for (const auto& r : it->second) {
        if (r.request_id == request_id) return &r;
    }
    return nullptr;
}

Outcome apply(State& state, const Entry& entry) {
    if (!entry.origin.empty()) {
        if (const auto* seen = find_reply(state, entry.origin, entry.request_id)) {
            return Outcome{Replayed{seen->reply}, {}, false};
        }
    }
    Outcome outcome = apply(state, entry.command);
    if (outcome.changed && !entry.origin.empty()) {
        auto& kept = state.replies[entry.origin];
        kept.push_back(RecentReply{entry.request_id, encode_reply(entry.request_id, outcome.reply)});
        if (kept.size() > kRepliesKeptPerNode) kept.erase(kept.begin());
    }
    return outcome;
}

bool token_fits_key(const State& state, const std::string& token, const std::string& key) {
    const Session* s = find_session(state, token);
    return !s || s->node_key.empty() || s->node_key == key;
}

}  // namespace p2p::tracker
