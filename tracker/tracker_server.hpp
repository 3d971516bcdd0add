#pragma once
// The tracker actor: a ROUTER for node requests, a PUB for events, the
// journal actor and the password hashers, around the pure state machine.
// It also holds the ticket key (DATA/ticket_key) and signs the tickets of
// GetFile / GetSources replies with it.
//
// Pipe protocol:
//   in:  "STATUS"             -> out: "STATUS" [multi-line text]
//   out: "FAILED" [reason]    the journal's disk failed; the process must exit
#include <chrono>
#include <filesystem>
#include <memory>

#include <zmq.hpp>

#include "actors/actor.hpp"
#include "messages/tracker_info.hpp"

namespace p2p::tracker {

struct TrackerConfig {
    uint32_t index = 1;  // 1-based number in tracker_info.txt
    TrackerAddress address;
    std::filesystem::path data_dir;
    std::chrono::milliseconds session_timeout{5000};
    std::size_t hashers = 2;
    uint64_t snapshot_every = 10000;  // records between snapshots
    std::chrono::seconds ticket_ttl{120};  // how long a download ticket stays valid
};

// Starts the actor; returns once it has recovered its state and bound its
// sockets (throws with the reason otherwise).
std::unique_ptr<actors::Actor> start_tracker(zmq::context_t& ctx, const TrackerConfig& config);

}  // namespace p2p::tracker
