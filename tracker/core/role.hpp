#pragma once
// Who is primary: the replication role rules as a pure object (no sockets,
// no clock: the caller passes the time), so that every rule is unit-tested.
//
// The rules (the ZeroMQ guide's Binary Star, generalised to N trackers):
//  - A single tracker is primary.
//  - A standby follows the live primary with the highest term (ties: the
//    lowest number) and asks it for the stream; it is "synced" once it holds
//    a snapshot of that primary and every record after it.
//  - Failover: a synced standby whose primary is lost (silent for
//    peer_timeout) promotes itself only when nodes have come to it recently
//    (nodes come only when they cannot reach the primary: this is what keeps
//    a standby that merely lost its link to a living primary from splitting
//    the brain) and no other live synced standby has a better claim.
//  - Cold start: when every tracker of the list is up and none is primary,
//    the best claim (highest term, then seq, then lowest number) promotes
//    without waiting for nodes. A tracker that finds some peers missing
//    promotes only if it was the primary when it last stopped and nodes come
//    to it; a tracker that was a standby waits for a primary or for the
//    operator (`promote`): its state may be stale.
//  - Two primaries (after a partition heals): the lower term steps down
//    (ties: the higher number) and resyncs from the other.
//  - Every promotion raises the term above every term heard.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "messages/replication_protocol.hpp"

namespace p2p::tracker {

using RoleClock = std::chrono::steady_clock;

enum class Role { Standby, Primary };

struct RoleConfig {
    uint32_t self = 1;
    uint32_t trackers = 1;
    std::chrono::milliseconds peer_timeout{1000};
    std::chrono::milliseconds visit_window{3000};  // how recent a node's visit must be to count
};

struct RoleAction {
    enum class Type { None, Promote, StepDown, Follow };
    Type type = Type::None;
    uint32_t primary = 0;  // Follow / StepDown: whom to follow now
    std::string reason;
};

class RoleMachine {
public:
    RoleMachine(RoleConfig config, uint64_t term, bool was_primary, RoleClock::time_point now);

    void heard(const msg::PeerStatus& status, RoleClock::time_point now);
    void node_came(RoleClock::time_point now) { last_visit_ = now; }
    void set_seq(uint64_t seq) { seq_ = seq; }
    // A standby: the snapshot of the primary it follows is durable and the stream is whole.
    void set_synced(bool synced) {
        synced_ = synced;
        ever_synced_ |= synced;
    }

    // Evaluates the rules; the machine has already taken the role the action names.
    RoleAction tick(RoleClock::time_point now);
    // The operator's `promote`: None when already primary.
    RoleAction operator_promote(RoleClock::time_point now);

    Role role() const { return role_; }
    bool is_primary() const { return role_ == Role::Primary; }
    uint64_t term() const { return term_; }
    uint32_t following() const { return following_; }
    bool synced() const { return synced_; }
    // The live primary as this tracker sees it (itself included), or 0.
    uint32_t primary(RoleClock::time_point now) const;
    msg::PeerStatus status() const;
    // One line per peer for the console's `status`.
    std::string describe_peers(RoleClock::time_point now) const;
    // Why a standby is not serving, for the node's error.
    std::string waiting_reason(RoleClock::time_point now) const;

private:
    struct Peer {
        msg::PeerStatus status;
        RoleClock::time_point heard;
    };
    bool live(const Peer& p, RoleClock::time_point now) const { return now - p.heard <= config_.peer_timeout; }
    RoleAction promote(std::string reason);
    bool best_claim_among_live(RoleClock::time_point now, bool only_synced) const;

    RoleConfig config_;
    Role role_ = Role::Standby;
    uint64_t term_ = 0;
    uint64_t seq_ = 0;
    bool was_primary_ = false;
    bool synced_ = false;
    bool ever_synced_ = false;  // held a primary's whole stream at some point in this run
    uint32_t following_ = 0;
    RoleClock::time_point started_;
    std::optional<RoleClock::time_point> last_visit_;
    std::map<uint32_t, Peer> peers_;
};

}  // namespace p2p::tracker
