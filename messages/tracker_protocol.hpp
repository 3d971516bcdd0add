#pragma once
// Tracker RPC: a node's DEALER talks to the tracker's ROUTER.
//
// Protocol version 1. Every frame is one envelope [kind, request_id, body]
// (envelope.hpp); the reply carries the request's request_id.
//
//   C:Hello               ( S:HelloOk / S:Error )      first message on a connection
//   C:CreateUser          ( S:Ok / S:Error )
//   C:Login               ( S:LoginOk / S:Error )
//   C:Logout              ( S:Ok / S:Error )
//   C:CreateGroup | JoinGroup | LeaveGroup | AcceptRequest | RejectRequest
//                         ( S:Ok / S:Error )
//   C:ListRequests        ( S:UserList / S:Error )
//   C:ListGroups          ( S:GroupList / S:Error )
//   C:Heartbeat           ( S:Ok / S:Error )           every second while logged in
//
// With several trackers, a standby answers every request but Hello with
// S:NotPrimary: the node goes to the tracker it names, or asks again shortly
// (the standby is about to take over), and repeats the request with the same
// request_id (the tracker's idempotency key, with the node id from Hello).
//
// Requests made on behalf of a logged-in user carry its session token; the
// tracker resolves the user from it, never from a name the client claims.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/kind.hpp"

namespace p2p::msg {

inline constexpr uint32_t kProtocolVersion = 1;

struct Ok {
    static constexpr Kind kind = Kind::Ok;
    std::string text;
    MSGPACK_DEFINE_MAP(text);
};

// code is for programs (stable, snake_case), text for people.
struct Error {
    static constexpr Kind kind = Kind::Error;
    std::string code;
    std::string text;
    MSGPACK_DEFINE_MAP(code, text);
};

struct Hello {
    static constexpr Kind kind = Kind::Hello;
    uint32_t protocol = kProtocolVersion;
    std::string node_id;
    MSGPACK_DEFINE_MAP(protocol, node_id);
};

struct HelloOk {
    static constexpr Kind kind = Kind::HelloOk;
    uint32_t protocol = kProtocolVersion;
    uint32_t tracker = 0;  // its number in tracker_info.txt
    std::string role;        // "primary" or "standby"

    std::string ticket_key;  // Ed25519 public key (32 raw bytes) that signs tickets
    MSGPACK_DEFINE_MAP(protocol, tracker, role, ticket_key);
};

struct CreateUser {
    static constexpr Kind kind = Kind::CreateUser;
    std::string user;
    std::string password;
    MSGPACK_DEFINE_MAP(user, password);
};

struct Login {
    static constexpr Kind kind = Kind::Login;
    std::string user;
    std::string password;
    std::string node_id;   // stable per node data dir: the same node may log in again at once
    std::string endpoint;  // IP:PORT where the node serves pieces
    MSGPACK_DEFINE_MAP(user, password, node_id, endpoint);
};

struct LoginOk {
    static constexpr Kind kind = Kind::LoginOk;
    std::string token;
    std::string user;
    std::vector<std::string> groups;  // groups the user is a member of
    MSGPACK_DEFINE_MAP(token, user, groups);
};

struct Logout {
    static constexpr Kind kind = Kind::Logout;
    std::string token;
    MSGPACK_DEFINE_MAP(token);
};

struct CreateGroup {
    static constexpr Kind kind = Kind::CreateGroup;
    std::string token;
    std::string group;
    MSGPACK_DEFINE_MAP(token, group);
};

struct JoinGroup {
    static constexpr Kind kind = Kind::JoinGroup;
    std::string token;
    std::string group;
    MSGPACK_DEFINE_MAP(token, group);
};

struct LeaveGroup {
    static constexpr Kind kind = Kind::LeaveGroup;
    std::string token;
    std::string group;
    MSGPACK_DEFINE_MAP(token, group);
};

struct ListRequests {
    static constexpr Kind kind = Kind::ListRequests;
    std::string token;
    std::string group;
    MSGPACK_DEFINE_MAP(token, group);
};

struct UserList {
    static constexpr Kind kind = Kind::UserList;
    std::vector<std::string> users;
    MSGPACK_DEFINE_MAP(users);
};

struct AcceptRequest {
    static constexpr Kind kind = Kind::AcceptRequest;
    std::string token;
    std::string group;
    std::string user;
    MSGPACK_DEFINE_MAP(token, group, user);
};

struct RejectRequest {
    static constexpr Kind kind = Kind::RejectRequest;
    std::string token;
    std::string group;
    std::string user;
    MSGPACK_DEFINE_MAP(token, group, user);
};

struct ListGroups {
    static constexpr Kind kind = Kind::ListGroups;
    std::string token;
    MSGPACK_DEFINE_MAP(token);
};

struct GroupSummary {
    std::string name;
    std::string owner;
    uint32_t members = 0;
    std::string status;  // the asking user's relation: "owner", "member", "pending" or ""
    MSGPACK_DEFINE_MAP(name, owner, members, status);
};

struct GroupList {
    static constexpr Kind kind = Kind::GroupList;
    std::vector<GroupSummary> groups;
    MSGPACK_DEFINE_MAP(groups);
};

struct Heartbeat {
    static constexpr Kind kind = Kind::Heartbeat;
    std::string token;
    MSGPACK_DEFINE_MAP(token);
};

// A standby does not serve: primary is the tracker to ask instead (0: none
// known yet; this standby may be about to take over, ask again shortly).
struct NotPrimary {
    static constexpr Kind kind = Kind::NotPrimary;
    uint32_t tracker = 0;
    uint32_t primary = 0;
    std::string text;
    MSGPACK_DEFINE_MAP(tracker, primary, text);
};

}  // namespace p2p::msg
