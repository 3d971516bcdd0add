#pragma once
// The sockets trackers replicate over (messages/replication_protocol.hpp):
// a ROUTER bound on this tracker's repl port, where peers' DEALERs send
// statuses, sync requests and acks, and from which a primary streams to its
// standbys; and one DEALER per peer, connected to that peer's ROUTER, which
// sends this tracker's status and, on a standby, receives its primary's stream.
// It only moves frames; the tracker decides what they mean.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "actors/curve.hpp"
#include "actors/loop.hpp"
#include "messages/envelope.hpp"
#include "messages/tracker_info.hpp"

namespace p2p::tracker {

struct PeerMessage {
    uint32_t from_dealer = 0;  // the peer whose ROUTER sent it (0: it came on our ROUTER)
    std::string routing_id;    // on our ROUTER: the sender's connection
    std::string key;           // on our ROUTER: the sender's CURVE key ("" in plain mode)
    Envelope envelope;
    std::optional<std::string> payload;  // a second frame (SyncSnapshot's state)
};

class ReplicationLink {
public:
    // With CURVE, only trackers of the list get in (each DEALER knows its peer's key).
    ReplicationLink(zmq::context_t& ctx, uint32_t self, const std::vector<TrackerAddress>& trackers,
                    const actors::Security& security);

    // Decoded messages go to handler; malformed ones are counted and dropped.
    void watch(actors::Loop& loop, std::function<void(PeerMessage&)> handler);

    void to_peer(uint32_t peer, const std::string& envelope);  // over our DEALER to its ROUTER
    void to_all_peers(const std::string& envelope);
    void to_connection(const std::string& routing_id, const std::string& envelope,
                       const std::string* payload = nullptr);  // over our ROUTER

    uint64_t malformed() const { return malformed_; }

private:
    void drain(zmq::socket_t& socket, uint32_t from_dealer);

    zmq::socket_t router_;
    std::map<uint32_t, std::unique_ptr<zmq::socket_t>> dealers_;
    std::function<void(PeerMessage&)> handler_;
    std::vector<std::string> peer_keys_;  // CURVE keys of the trackers of the list
    uint64_t malformed_ = 0;
};

}  // namespace p2p::tracker
