#pragma once
// The tracker's whole durable state. Plain data: the state machine
// (machine.hpp) is the only code that changes it, and a snapshot is this
// struct msgpack-encoded.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/file_meta.hpp"

namespace p2p::tracker {

struct User {
    std::string salt;  // random, per user
    std::string hash;  // PBKDF2-HMAC-SHA256(password, salt, iterations)
    uint32_t iterations = 0;
    MSGPACK_DEFINE_MAP(salt, hash, iterations);
};

struct Session {
    std::string user;
    std::string node_id;   // which node holds it: the same node may replace it at once
    std::string endpoint;  // where that node serves pieces
    std::string node_key{};  // the CURVE key that logged in: only it may use the token ("" in plain mode)
    MSGPACK_DEFINE_MAP(user, node_id, endpoint, node_key);
};

// A file shared in a group. Sharers are users, not sessions: a sharer
// without a live session is offline (not a source) but stays a sharer, and
// serves again once it logs in and re-announces.
struct SharedFile {
    files::FileMeta meta;
    std::map<std::string, bool> sharers;  // user -> has the complete file
    MSGPACK_DEFINE_MAP(meta, sharers);
};

struct Group {
    std::string owner;
    std::vector<std::string> members;  // in join order, owner included: the next owner is members[1]
    std::vector<std::string> pending;  // join requests, oldest first
    std::map<std::string, SharedFile> files{};  // by file name; each has at least one sharer
    MSGPACK_DEFINE_MAP(owner, members, pending, files);
};

// The reply a node's write got, kept so that a retry of the same request
// (same node, same request id) is answered again, not applied twice.
struct RecentReply {
    uint64_t request_id = 0;
    std::string reply;  // the encoded envelope
    MSGPACK_DEFINE_MAP(request_id, reply);
    bool operator==(const RecentReply&) const = default;
};

// A node retries only its newest few requests; older answers are dropped.
inline constexpr std::size_t kRepliesKeptPerNode = 32;

struct State {
    std::map<std::string, User> users;
    std::map<std::string, Session> sessions;  // by token
    std::map<std::string, Group> groups;
    std::map<std::string, std::vector<RecentReply>> replies{};  // by node id, oldest first
    MSGPACK_DEFINE_MAP(users, sessions, groups, replies);

    bool operator==(const State&) const;
};

bool operator==(const User&, const User&);
bool operator==(const Session&, const Session&);
bool operator==(const SharedFile&, const SharedFile&);
bool operator==(const Group&, const Group&);

std::string encode_state(const State& state);
State decode_state(const std::string& bytes);  // throws on corrupt bytes: snapshots are ours

}  // namespace p2p::tracker
