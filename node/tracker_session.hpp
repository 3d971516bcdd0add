#pragma once
// The node's link to the tracker: one DEALER for requests, their replies
// and the session's events, owned by one actor (the ZeroMQ guide's Lazy
// Pirate client).
//
//  - Every request gets a deadline; one that passes answers the caller with
//    Error{unreachable} and the DEALER is closed and opened again, so that a
//    request the user was told failed can never be delivered late.
//  - Hello with the protocol version opens every connection; a tracker that
//    restarted and forgot us answers hello_required, and the request is sent
//    again after a new Hello.
//  - Several trackers (replication): a tracker silent for about a second, or
//    a standby's NotPrimary, moves every outstanding request to the next
//    tracker (or the one the standby names) with the same request ids, which
//    the trackers use as idempotency keys; the caller only sees an error when
//    its whole timeout passes.
//  - The session owns the login: it fills the token into requests, sends
//    heartbeats (which also tell the tracker where to send the events of
//    the user and their groups: [topic][event], two frames where a reply
//    is one).
//
// Facade (parent side): TrackerSession::request() and the pipe messages:
//   in:  "REQ" [tag (u64)] [envelope]     a request; any "token" field is set here
//   out: "REP" [tag (u64)] [envelope]     its reply (or Error)
//        "EVENT" [topic] [envelope]       a tracker event for this user
//        "LOST" [reason]                  the session ended without a logout
//        "SWITCHED" [text]                another tracker is primary now (failover)
//        "KEY" [public key]               the tracker's ticket-signing key (on every Hello)
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "actors/actor.hpp"
#include "actors/curve.hpp"
#include "messages/tracker_info.hpp"

namespace p2p::node {

struct SessionConfig {
    std::vector<TrackerAddress> trackers;
    std::string node_id;
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds heartbeat_interval{1000};
    actors::Security security;  // CURVE keys of this node; none: plain mode
    bool events = false;        // --events: publish the DEALER's socket events as socket "session"
    std::string process;        // how the events name this node
};

class TrackerSession {
public:
    TrackerSession(zmq::context_t& ctx, SessionConfig config);

    template <class T>
    void request(uint64_t tag, const T& message);
    zmq::socket_t& pipe() { return actor_->pipe(); }

private:
    void send_request(uint64_t tag, std::string envelope);
    std::unique_ptr<actors::Actor> actor_;
};

}  // namespace p2p::node

#include "messages/envelope.hpp"

template <class T>
void p2p::node::TrackerSession::request(uint64_t tag, const T& message) {
    send_request(tag, encode(0, message));
}
