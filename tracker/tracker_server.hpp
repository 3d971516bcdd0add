#pragma once
// The tracker actor: a ROUTER for node requests, a PUB for events, the
// journal actor and the password hashers, around the pure state machine.
// It also holds the ticket key (DATA/ticket_key) and signs the tickets of
// GetFile / GetSources replies with it.
//
// With two or more trackers it also replicates (replication_protocol.hpp,
// core/role.hpp): a primary serves and streams its journal to the standbys;
// a standby applies the stream and answers nodes NotPrimary.
//
// Pipe protocol:
//   in:  "STATUS"             -> out: "STATUS" [multi-line text]
//        "PROMOTE"            -> out: "STATUS" [what happened]
//   out: "FAILED" [reason]    the journal's disk failed; the process must exit
//        "ROLE" [text]        the role changed (the console prints it)
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include <zmq.hpp>

#include "actors/actor.hpp"
#include "actors/curve.hpp"
#include "messages/tracker_info.hpp"

namespace p2p::tracker {

struct TrackerConfig {
    uint32_t index = 1;  // 1-based number in tracker_info.txt
    std::vector<TrackerAddress> trackers;  // every tracker of tracker_info.txt, this one included
    std::filesystem::path data_dir;
    std::chrono::milliseconds session_timeout{5000};
    std::size_t hashers = 2;
    uint64_t snapshot_every = 10000;  // records between snapshots
    std::chrono::seconds ticket_ttl{60};  // how long a download ticket stays valid
    std::chrono::milliseconds peer_timeout{1000};  // a tracker silent this long is lost
    std::chrono::milliseconds peer_interval{200};  // how often trackers tell each other their status
    actors::Security security;  // CURVE keys; none: plain mode
    bool watch_sockets = false;  // --events: socket monitors on the ROUTER and PUB (actors/event_publisher.hpp)

    const TrackerAddress& address() const { return trackers.at(index - 1); }
};

// Starts the actor; returns once it has recovered its state and bound its
// sockets (throws with the reason otherwise).
std::unique_ptr<actors::Actor> start_tracker(zmq::context_t& ctx, const TrackerConfig& config);

}  // namespace p2p::tracker
