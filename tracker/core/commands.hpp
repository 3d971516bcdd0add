#pragma once
// What the state machine accepts. A Command changes state and is journaled;
// it is either a node's request as received (the token names the user) or a
// record the tracker built after work the machine must not do itself
// (hashing a password, drawing a random token, reading the clock).
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <msgpack.hpp>

#include "messages/file_protocol.hpp"
#include "messages/kind.hpp"
#include "messages/result.hpp"
#include "messages/tracker_events.hpp"
#include "messages/tracker_protocol.hpp"

namespace p2p::tracker {

struct StoredCreateUser {
    static constexpr Kind kind = Kind::StoredCreateUser;
    std::string user;
    std::string salt;
    std::string hash;
    uint32_t iterations = 0;
    MSGPACK_DEFINE_MAP(user, salt, hash, iterations);
};

// A login whose password the tracker has already verified off the main loop.
struct StoredOpenSession {
    static constexpr Kind kind = Kind::StoredOpenSession;
    std::string token;
    std::string user;
    std::string node_id;
    std::string endpoint;
    std::string node_key{};  // the CURVE key the login came from
    MSGPACK_DEFINE_MAP(token, user, node_id, endpoint, node_key);
};

// A session the tracker ended because its node stopped heartbeating.
struct StoredCloseSession {
    static constexpr Kind kind = Kind::StoredCloseSession;
    std::string token;
    std::string reason;
    MSGPACK_DEFINE_MAP(token, reason);
};

using Command = std::variant<StoredCreateUser, StoredOpenSession, StoredCloseSession, msg::Logout,
                             msg::CreateGroup, msg::JoinGroup, msg::LeaveGroup, msg::AcceptRequest,
                             msg::RejectRequest, msg::ShareFile, msg::StopShare>;

// A journal record: the command and, when a node's request caused it, which
// node (its id from Hello) and which request id. The pair is the request's
// idempotency key: a node that retries a request (at another tracker after a
// failover) gets the first answer again instead of a second application.
struct Entry {
    std::string origin;  // node id; empty for the tracker's own commands
    uint64_t request_id = 0;
    Command command;
};

// The wire form of Entry (the command nested as its own envelope).
struct JournalEntry {
    static constexpr Kind kind = Kind::JournalEntry;
    std::string origin;
    uint64_t request_id = 0;
    std::string command;
    MSGPACK_DEFINE_MAP(origin, request_id, command);
};

// The answer a request got the first time, encoded as it was sent.
struct Replayed {
    std::string envelope;
};

using Reply = std::variant<msg::Ok, msg::Error, msg::LoginOk, msg::GroupList, msg::UserList, msg::FileList,
                           msg::FileDetails, msg::SourceList, Replayed>;

struct Event {
    std::string topic;
    msg::TrackerEvent body;
};

struct Outcome {
    Reply reply;
    std::vector<Event> events;
    bool changed = false;  // false: nothing to journal (refused, or it changed nothing)
};

// A command in the standard envelope (request_id 0).
std::string encode_command(const Command& command);
Result<Command> decode_command(std::string_view bytes);

// Journal payloads. decode_entry also reads the bare commands that journals
// written before entries existed hold (no origin).
std::string encode_entry(const Entry& entry);
Result<Entry> decode_entry(std::string_view bytes);

std::string encode_reply(uint64_t request_id, const Reply& reply);

}  // namespace p2p::tracker
