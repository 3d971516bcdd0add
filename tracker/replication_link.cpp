#include "tracker/replication_link.hpp"

#include <algorithm>
#include <zmq_addon.hpp>

namespace p2p::tracker {

namespace {
// A snapshot is the whole state; it travels as its own frame, so the limit is
// the snapshot's, not a control message's.
constexpr int64_t kMaxReplicationFrame = 1LL << 30;
}  // namespace

ReplicationLink::ReplicationLink(zmq::context_t& ctx, uint32_t self, const std::vector<TrackerAddress>& trackers,
                                 const actors::Security& security)
    : router_(ctx, zmq::socket_type::router) {
    for (const auto& t : trackers) peer_keys_.push_back(t.key);
    actors::make_server(router_, security);
    router_.set(zmq::sockopt::linger, 0);
    router_.set(zmq::sockopt::maxmsgsize, kMaxReplicationFrame);
    // Writes wait for the standbys' acks, so what is queued here is bounded by
    // the writes in flight; dropping a record would only force a resync.
    router_.set(zmq::sockopt::sndhwm, 0);
    router_.set(zmq::sockopt::rcvhwm, 0);
    router_.bind(trackers.at(self - 1).repl_endpoint());
    for (uint32_t n = 1; n <= trackers.size(); ++n) {
        if (n == self) continue;
        auto dealer = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::dealer);
        dealer->set(zmq::sockopt::linger, 0);
        dealer->set(zmq::sockopt::maxmsgsize, kMaxReplicationFrame);
        dealer->set(zmq::sockopt::rcvhwm, 0);
        // Statuses for a peer that is down are stale by the time it returns: don't queue them.
        dealer->set(zmq::sockopt::immediate, 1);
        dealer->set(zmq::sockopt::reconnect_ivl, 100);
        actors::make_client(*dealer, security, trackers[n - 1].key);
        dealer->connect(trackers[n - 1].repl_endpoint());
        dealers_.emplace(n, std::move(dealer));
    }
}

void ReplicationLink::watch(actors::Loop& loop, std::function<void(PeerMessage&)> handler) {
    handler_ = std::move(handler);
    loop.on(router_, [this] { drain(router_, 0); });
    for (auto& [n, dealer] : dealers_) {
        loop.on(*dealer, [this, n = n, socket = dealer.get()] { drain(*socket, n); });
    }
}

void ReplicationLink::drain(zmq::socket_t& socket, uint32_t from_dealer) {
    for (int i = 0; i < 1000; ++i) {
        zmq::multipart_t frames;
        if (!frames.recv(socket, static_cast<int>(zmq::recv_flags::dontwait))) return;
        PeerMessage m;
        m.from_dealer = from_dealer;
        std::size_t at = 0;
        if (from_dealer == 0) {
            if (frames.empty()) continue;
            m.routing_id = frames[0].to_string();
            at = 1;
            // CURVE lets any key connect; on this port only the trackers of
            // the list may speak (in plain mode there are no keys to check).
            if (frames.size() > 1) m.key = actors::peer_key(frames[1]);
            if (!m.key.empty() && std::find(peer_keys_.begin(), peer_keys_.end(), m.key) == peer_keys_.end()) {
                ++malformed_;
                continue;
            }
        }
        if (frames.size() < at + 1 || frames.size() > at + 2) {
            ++malformed_;
            continue;
        }
        auto env = decode_envelope(frames[at].data(), frames[at].size());
        if (!env) {
            ++malformed_;
            continue;
        }
        m.envelope = std::move(env).value();
        if (frames.size() == at + 2) m.payload = frames[at + 1].to_string();
        handler_(m);
    }
}

void ReplicationLink::to_peer(uint32_t peer, const std::string& envelope) {
    auto it = dealers_.find(peer);
    if (it == dealers_.end()) return;
    (void)it->second->send(zmq::buffer(envelope), zmq::send_flags::dontwait);
}

void ReplicationLink::to_all_peers(const std::string& envelope) {
    for (auto& [n, dealer] : dealers_) (void)dealer->send(zmq::buffer(envelope), zmq::send_flags::dontwait);
}

void ReplicationLink::to_connection(const std::string& routing_id, const std::string& envelope,
                                    const std::string* payload) {
    zmq::multipart_t out;
    out.addstr(routing_id);
    out.addstr(envelope);
    if (payload) out.addstr(*payload);
    out.send(router_, static_cast<int>(zmq::send_flags::dontwait));
}

}  // namespace p2p::tracker
