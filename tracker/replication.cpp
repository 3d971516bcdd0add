// The tracker's replication (replication_protocol.hpp, core/role.hpp): the
// role decisions, the stream from primary to standbys, and acks.
#include <algorithm>
#include <iostream>
#include <sstream>
#include <zmq_addon.hpp>

#include "actors/log.hpp"
#include "tracker/role_file.hpp"
#include "tracker/server.hpp"
#include "tracker/ticket_key_file.hpp"

namespace p2p::tracker {

void Server::replication_tick() {
    const auto now = Clock::now();
    apply_role_action(role_.tick(now));
    if (!link_) return;
    if (now - last_status_sent_ >= config_.peer_interval) {
        last_status_sent_ = now;
        auto status = role_.status();
        for (const auto& [n, f] : followers_) status.followers.push_back(n);
        link_->to_all_peers(encode(0, status));
    }
    if (role_.is_primary()) {
        // A standby that went silent, or stopped acking, no longer holds up writes.
        bool dropped = false;
        for (auto it = followers_.begin(); it != followers_.end();) {
            const auto& f = it->second;
            const bool silent = now - f.heard > config_.peer_timeout;
            const bool stuck = f.acked < last_seq_ && now - f.progress > config_.peer_timeout;
            if (silent || stuck) {
                logging::warn("replication", "standby ", it->first, silent ? " went silent" : " stopped acking",
                              "; writes no longer wait for it");
                it = followers_.erase(it);
                dropped = true;
            } else {
                ++it;
            }
        }
        if (dropped) release_outbox();
        return;
    }
    // A standby without the whole stream asks for it (again, if the answer got lost).
    if (role_.following() != 0 && !role_.synced() && !install_pending_ &&
        (!awaiting_snapshot_ || now - sync_requested_ > config_.peer_timeout)) {
        request_sync();
    }
}

void Server::apply_role_action(const RoleAction& action) {
    using T = RoleAction::Type;
    if (action.type == T::None) return;
    const auto now = Clock::now();
    std::string line;
    if (action.type == T::Promote) {
        save_role();
        followers_.clear();
        awaiting_snapshot_ = false;
        install_pending_ = false;
        // Every session gets a full timeout to find the new primary.
        for (const auto& [token, s] : state_.sessions) last_seen_[token] = now;
        outbox_.set_durable(local_durable_);
        line = "tracker " + std::to_string(config_.index) + " is primary (term " + std::to_string(role_.term()) +
               "): " + action.reason;
        publish(msg::kRoleTopic,
                encode(0, msg::TrackerRole{config_.index, msg::role::kPrimary, role_.term(), action.reason}));
    } else {
        if (action.type == T::StepDown) {
            outbox_.drop_all();
            followers_.clear();
            hash_waits_.clear();
            publish(msg::kRoleTopic,
                    encode(0, msg::TrackerRole{config_.index, msg::role::kStandby, role_.term(), action.reason}));
        }
        save_role();
        line = "tracker " + std::to_string(config_.index) + " is a standby of tracker " +
               std::to_string(action.primary) + ": " + action.reason;
        request_sync();
    }
    zmq::multipart_t out;
    out.addstr("ROLE");
    out.addstr(line);
    out.send(pipe_);
}

void Server::save_role() {
    try {
        store_role(config_.data_dir, RoleRecord{role_.term(), role_.is_primary()});
    } catch (const std::exception& e) {
        // The term must not go back after a restart: without the file this
        // tracker must not serve.
        zmq::multipart_t out;
        out.addstr("FAILED");
        out.addstr(std::string("cannot save the replication role: ") + e.what());
        out.send(pipe_);
        loop_.stop();
    }
}

void Server::request_sync() {
    if (!link_ || role_.following() == 0) return;
    role_.set_synced(false);
    awaiting_snapshot_ = true;
    install_pending_ = false;
    sync_requested_ = Clock::now();
    link_->to_peer(role_.following(), encode(0, msg::SyncRequest{config_.index}));
}

void Server::on_peer_message(PeerMessage& m) {
    const auto& env = m.envelope;
    switch (env.kind()) {
        case Kind::PeerStatus:
            if (auto s = env.as<msg::PeerStatus>(); s && m.from_dealer == 0) on_status(*s, m.routing_id);
            break;
        case Kind::SyncRequest:
            if (auto r = env.as<msg::SyncRequest>(); r && m.from_dealer == 0) on_sync_request(*r, m.routing_id);
            break;
        case Kind::SyncAck:
            if (auto a = env.as<msg::SyncAck>(); a && m.from_dealer == 0) on_sync_ack(*a);
            break;
        case Kind::SyncSnapshot:
            // Only from the primary this standby asked.
            if (auto s = env.as<msg::SyncSnapshot>();
                s && m.payload && m.from_dealer != 0 && m.from_dealer == role_.following() && !role_.is_primary()) {
                on_snapshot(*s, *m.payload);
            }
            break;
        case Kind::SyncRecord:
            if (auto r = env.as<msg::SyncRecord>();
                r && m.from_dealer != 0 && m.from_dealer == role_.following() && !role_.is_primary()) {
                on_record(*r);
            }
            break;
        default: break;
    }
}

void Server::on_status(const msg::PeerStatus& s, const std::string& routing_id) {
    const auto now = Clock::now();
    role_.heard(s, now);
    if (auto it = followers_.find(s.tracker); it != followers_.end()) {
        it->second.heard = now;
        it->second.routing_id = routing_id;
    }
    if (role_.is_primary() || s.tracker != role_.following() || s.role != msg::role::kPrimary) {
        apply_role_action(role_.tick(now));
        return;
    }
    // Our primary: does it still stream to us, and are we keeping up? A status
    // older than our snapshot may not list us yet.
    if (role_.synced() && s.seq > installed_seq_) {
        const bool listed = std::find(s.followers.begin(), s.followers.end(), config_.index) != s.followers.end();
        if (!listed) {
            logging::warn("replication", "tracker ", s.tracker,
                          " no longer streams to us; asking for the stream again");
            request_sync();
        } else if (s.seq > last_seq_) {
            if (primary_ahead_since_ == Clock::time_point{}) primary_ahead_since_ = now;
            if (now - primary_ahead_since_ > config_.peer_timeout) {
                logging::warn("replication", "stream from tracker ", s.tracker, " stalled; asking again");
                primary_ahead_since_ = {};
                request_sync();
            }
        } else {
            primary_ahead_since_ = {};
        }
    }
    apply_role_action(role_.tick(now));
}

void Server::on_sync_request(const msg::SyncRequest& r, const std::string& routing_id) {
    if (!role_.is_primary() || r.tracker == 0 || r.tracker > config_.trackers.size() || r.tracker == config_.index) {
        return;
    }
    const auto now = Clock::now();
    followers_[r.tracker] = Follower{routing_id, 0, now, now};
    const std::string state = encode_state(state_);
    link_->to_connection(routing_id,
                         encode(0, msg::SyncSnapshot{config_.index, role_.term(), last_seq_, ticket_key_.private_key}),
                         &state);
    std::cerr << "tracker " << config_.index << ": streaming to standby " << r.tracker << " from seq " << last_seq_
              << " (snapshot of " << state.size() << " bytes)\n";
    logging::info("replication", "streaming to standby ", r.tracker, " from seq ", last_seq_, " (snapshot of ",
                  state.size(), " bytes)");
}

void Server::on_sync_ack(const msg::SyncAck& a) {
    auto it = followers_.find(a.tracker);
    if (it == followers_.end()) return;
    auto& f = it->second;
    const auto now = Clock::now();
    if (a.durable > f.acked) {
        f.acked = a.durable;
        f.progress = now;
    }
    f.heard = now;
    release_outbox();
}

void Server::stream(uint64_t seq, const std::string& payload) {
    if (followers_.empty()) return;
    const auto now = Clock::now();
    const std::string bytes = encode(0, msg::SyncRecord{seq, payload});
    for (auto& [n, f] : followers_) {
        if (f.acked + 1 == seq) f.progress = now;  // it was caught up: its wait starts now
        link_->to_connection(f.routing_id, bytes);
    }
}

// Replies go out once their record is on our disk and on every standby's.
void Server::release_outbox() {
    uint64_t durable = local_durable_;
    for (const auto& [n, f] : followers_) durable = std::min(durable, f.acked);
    for (auto& out : outbox_.release(durable)) deliver(out);
}

void Server::on_snapshot(const msg::SyncSnapshot& s, const std::string& state_bytes) {
    try {
        state_ = decode_state(state_bytes);
    } catch (const std::exception& e) {
        logging::warn("replication", "snapshot from tracker ", s.tracker, " is unusable (", e.what(),
                      "); asking again");
        return;  // the retry timer asks again
    }
    if (!s.ticket_key.empty() && s.ticket_key != ticket_key_.private_key) {
        try {
            ticket_key_ = ticket_key_from_private(s.ticket_key);
            store_ticket_key(config_.data_dir, ticket_key_);
        } catch (const std::exception& e) {
            logging::warn("replication", "cannot take the primary's ticket key: ", e.what());
            return;
        }
    }
    awaiting_snapshot_ = false;
    install_pending_ = true;
    last_seq_ = s.seq;
    snapshot_seq_ = s.seq;
    installed_seq_ = s.seq;
    role_.set_seq(s.seq);
    journal_->install(s.seq, state_bytes);
    last_seen_.clear();
    // Synced once the journal says the snapshot is on disk (on_standby_durable).
}

void Server::on_record(const msg::SyncRecord& r) {
    if (awaiting_snapshot_) return;  // records sent before our snapshot: the snapshot has them
    if (r.seq <= last_seq_) return;  // a duplicate
    if (r.seq != last_seq_ + 1) {
        logging::warn("replication", "stream gap (got seq ", r.seq, ", have ", last_seq_,
                      "); asking for the stream again");
        request_sync();
        return;
    }
    auto entry = decode_entry(r.entry);
    if (!entry) {
        logging::warn("replication", "record ", r.seq, " does not decode (", entry.error(),
                      "); asking for the stream again");
        request_sync();
        return;
    }
    tracker::apply(state_, *entry);  // the primary answered the node; we only follow
    record(++last_seq_, r.entry);
}

void Server::on_standby_durable(uint64_t durable) {
    if (install_pending_) {
        // Reports of the history the snapshot replaced may still be on their way.
        if (durable != installed_seq_) return;
        install_pending_ = false;
        role_.set_synced(true);
        std::cerr << "tracker " << config_.index << ": synced with tracker " << role_.following() << " at seq "
                  << durable << "\n";
        logging::info("replication", "synced with tracker ", role_.following(), " at seq ", durable);
    }
    if (role_.following() != 0 && !awaiting_snapshot_) {
        link_->to_peer(role_.following(), encode(0, msg::SyncAck{config_.index, durable}));
    }
}

std::string Server::replication_status() {
    const auto now = Clock::now();
    std::ostringstream out;
    if (config_.trackers.size() == 1) {
        out << "primary (the only tracker)\n";
        return out.str();
    }
    if (role_.is_primary()) {
        out << "primary, term " << role_.term() << ", streaming to " << followers_.size() << " standby(s)";
        for (const auto& [n, f] : followers_) out << " [tracker " << n << " acked " << f.acked << "]";
        out << "\n";
    } else {
        out << "standby, term " << role_.term() << ", ";
        if (role_.following() == 0) {
            out << "no primary";
        } else {
            out << (role_.synced() ? "synced with" : "catching up from") << " tracker " << role_.following();
        }
        out << " -- " << role_.waiting_reason(now) << "\n";
    }
    out << role_.describe_peers(now);
    return out.str();
}

}  // namespace p2p::tracker
