#pragma once
// Tracker <-> tracker replication. Every tracker binds a ROUTER on its repl
// port and connects one DEALER to each other tracker's repl port.
//
//   DEALER -> ROUTER  PeerStatus        every 200 ms: who I am, my role, term, seq
//   DEALER -> ROUTER  SyncRequest       a standby asks the primary for the stream
//   ROUTER -> DEALER  SyncSnapshot      [envelope][state bytes]: the whole state at seq
//   ROUTER -> DEALER  SyncRecord        one journal entry, seq after seq
//   DEALER -> ROUTER  SyncAck           a standby has everything up to seq on disk
//
// A primary acknowledges a write to its node only when its own journal and
// every live standby it streams to have made that record durable (SyncAck).
//
// Events: the primary publishes TrackerRole on topic "tracker.role" when it
// takes over or steps down.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/kind.hpp"

namespace p2p::msg {

namespace role {
inline constexpr const char* kPrimary = "primary";
inline constexpr const char* kStandby = "standby";
}  // namespace role

struct PeerStatus {
    static constexpr Kind kind = Kind::PeerStatus;
    uint32_t tracker = 0;  // sender's number in tracker_info.txt
    std::string role;      // role::k*
    uint64_t term = 0;     // raised by every promotion; the higher term wins
    uint64_t seq = 0;      // last journal seq applied
    bool synced = false;   // a standby that has the whole stream of its primary
    uint32_t following = 0;  // the primary a standby streams from (0: none)
    bool was_primary = false;  // it was primary when it last stopped (cold-start election)
    std::vector<uint32_t> followers{};  // a primary: the standbys it streams to (and waits for)
    MSGPACK_DEFINE_MAP(tracker, role, term, seq, synced, following, was_primary, followers);
};

struct SyncRequest {
    static constexpr Kind kind = Kind::SyncRequest;
    uint32_t tracker = 0;
    MSGPACK_DEFINE_MAP(tracker);
};

// Followed by one frame: the state, as a snapshot encodes it.
struct SyncSnapshot {
    static constexpr Kind kind = Kind::SyncSnapshot;
    uint32_t tracker = 0;  // the primary that sends it
    uint64_t term = 0;
    uint64_t seq = 0;
    std::string ticket_key;  // the primary's ticket-signing private key: tickets stay valid across a failover
    MSGPACK_DEFINE_MAP(tracker, term, seq, ticket_key);
};

struct SyncRecord {
    static constexpr Kind kind = Kind::SyncRecord;
    uint64_t seq = 0;
    std::string entry;  // a journal payload (tracker/core/commands.hpp)
    MSGPACK_DEFINE_MAP(seq, entry);
};

struct SyncAck {
    static constexpr Kind kind = Kind::SyncAck;
    uint32_t tracker = 0;
    uint64_t durable = 0;
    MSGPACK_DEFINE_MAP(tracker, durable);
};

struct TrackerRole {
    static constexpr Kind kind = Kind::TrackerRole;
    uint32_t tracker = 0;
    std::string role;
    uint64_t term = 0;
    std::string reason;
    MSGPACK_DEFINE_MAP(tracker, role, term, reason);
};

inline constexpr const char* kRoleTopic = "tracker.role";

}  // namespace p2p::msg
