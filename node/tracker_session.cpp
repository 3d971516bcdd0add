#include "node/tracker_session.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <map>
#include <set>

#include "actors/event_publisher.hpp"
#include "actors/frames.hpp"
#include "actors/log.hpp"
#include "actors/loop.hpp"
#include "actors/socket_events.hpp"
#include "messages/limits.hpp"
#include "messages/process_events.hpp"
#include "messages/random_id.hpp"
#include "messages/replication_protocol.hpp"
#include "messages/tracker_events.hpp"
#include "messages/tracker_protocol.hpp"

namespace p2p::node {

namespace {

using actors::Clock;


// Re-packs an envelope with our request id and, where the body has a token
// field, the session's token: callers never handle the token themselves.
std::string rewrite(const Envelope& env, uint64_t request_id, const std::string& token) {
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_array(3);
    pk.pack(static_cast<uint16_t>(env.kind()));
    pk.pack(request_id);
    const auto& map = env.body().via.map;
    pk.pack_map(map.size);
    for (uint32_t i = 0; i < map.size; ++i) {
        pk.pack(map.ptr[i].key);
        const bool is_token = map.ptr[i].key.type == msgpack::type::STR && map.ptr[i].key.as<std::string>() == "token";
        if (is_token) {
            pk.pack(token);
        } else {
            pk.pack(map.ptr[i].val);
        }
    }
    return std::string(buf.data(), buf.size());
}

uint64_t first_request_id() {
    const std::string bytes = random_bytes(6);
    uint64_t v = 0;
    for (unsigned char c : bytes) v = v << 8 | c;
    return (v << 8) + 1;  // 2^56 apart from any other run, with room to count
}

std::string error_reply(uint64_t request_id, std::string code, std::string text) {
    return encode(request_id, msg::Error{std::move(code), std::move(text)});
}

class SessionActor {
public:
    SessionActor(zmq::context_t& ctx, SessionConfig config, zmq::socket_t& pipe)
        : ctx_(ctx), config_(std::move(config)), pipe_(pipe) {}

    void run() {
        if (config_.events) events_ = actors::EventSink(ctx_);
        open_sockets();
        loop_.on_pipe(pipe_, [this](zmq::multipart_t& m) { handle_pipe(m); });
        loop_.every(std::chrono::milliseconds(100), [this] { check_deadlines(); });
        loop_.every(config_.heartbeat_interval, [this] { heartbeat(); });
        actors::signal_ready(pipe_);
        loop_.run();
    }

private:
    struct Pending {
        uint64_t tag = 0;
        Kind kind = Kind::Ok;
        std::string envelope;
        Clock::time_point deadline;          // the caller gets an error past this
        Clock::time_point attempt_deadline;  // this tracker had its chance
        bool internal = false;  // Hello and heartbeats: no caller waits
        bool resent = false;
    };

    const TrackerAddress& tracker() const { return config_.trackers[current_]; }
    bool replicated() const { return config_.trackers.size() > 1; }
    std::string tracker_name(std::size_t i) const {
        return "tracker " + std::to_string(i + 1) + " (" + config_.trackers[i].label() + ")";
    }

    // With one tracker, a request has the whole timeout; with several, a
    // silent tracker gets about a second before the next one is asked, so
    // that a failover fits well inside the caller's timeout.
    std::chrono::milliseconds attempt_timeout() const {
        if (!replicated()) return config_.request_timeout;
        return std::clamp<std::chrono::milliseconds>(config_.request_timeout / 4, std::chrono::milliseconds(250),
                                                     std::chrono::milliseconds(1000));
    }

    void open_sockets() {
        dealer_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
        dealer_->set(zmq::sockopt::linger, 0);
        dealer_->set(zmq::sockopt::maxmsgsize, limits::kControlFrameBytes);
        actors::make_client(*dealer_, config_.security, tracker().key);
        watch_handshake();
        dealer_->connect(tracker().rpc_endpoint());
        loop_.on(*dealer_, [this] { handle_dealer(); });
        send_internal(msg::Hello{msg::kProtocolVersion, config_.node_id});
    }

    // Lazy Pirate: a request past its deadline poisons the socket (the reply
    // or the request itself may still be in flight), so start afresh.
    void reset_dealer() {
        close_dealer();
        open_sockets();
    }

    void close_dealer() {
        loop_.remove(*dealer_);
        dealer_.reset();
        if (monitor_) {
            loop_.remove(*monitor_);
            monitor_.reset();
        }
    }

    // A tracker whose key is not the key= in tracker_info.txt accepts the TCP
    // connection and then drops it in the CURVE handshake: without watching
    // the socket's events that would look like a tracker that is down.
    void watch_handshake() {
        if (config_.security.plain() && !events_.enabled()) return;
        const std::string endpoint = "inproc://tracker-session-monitor-" + std::to_string(++monitors_);
        if (zmq_socket_monitor(dealer_->handle(), endpoint.c_str(),
                               ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0) {
            return;  // no diagnosis, same behaviour otherwise
        }
        monitor_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::pair);
        monitor_->set(zmq::sockopt::linger, 0);
        monitor_->connect(endpoint);
        handshake_ok_ = false;
        loop_.on(*monitor_, [this] { handle_monitor(); });
    }

    void handle_monitor() {
        zmq::multipart_t m;
        while (monitor_ && m.recv(*monitor_, static_cast<int>(zmq::recv_flags::dontwait))) {
            if (m.size() < 1 || m[0].size() < 6) {
                m.clear();
                continue;
            }
            uint16_t event = 0;
            std::memcpy(&event, m[0].data(), sizeof event);
            publish_socket_event(m);
            m.clear();
            if (config_.security.plain()) continue;  // no handshake to diagnose
            if (event == ZMQ_EVENT_CONNECTED) {
                handshake_ok_ = false;
            } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
                handshake_ok_ = true;
                handshake_failed_[current_] = false;
            } else if (event != ZMQ_EVENT_DISCONNECTED || !handshake_ok_) {
                handshake_failed_[current_] = true;
                notes_[current_] = tracker_name(current_) +
                                   " refused our CURVE handshake: its key is not the key= in tracker_info.txt (or it "
                                   "runs --plain)";
            }
        }
    }

    // --events: the same monitor feeds zmq-monitor (libzmq allows one
    // monitor per socket, and this one diagnoses handshakes).
    void publish_socket_event(const zmq::multipart_t& m) {
        if (!events_.enabled() || m.size() < 2) return;
        auto event = actors::socket_event(m[0].to_string_view(), m[1].to_string_view(), "session", config_.process);
        if (event) events_.send(msg::socket_topic("session"), encode(0, *event));
    }

    template <class T>
    void send_internal(const T& message) {
        const uint64_t rid = next_rid_++;
        Pending p;
        p.kind = T::kind;
        p.envelope = encode(rid, message);
        p.deadline = Clock::now() + config_.request_timeout;
        p.attempt_deadline = Clock::now() + attempt_timeout();
        p.internal = true;
        dealer_->send(zmq::buffer(p.envelope), zmq::send_flags::dontwait);
        pending_.emplace(rid, std::move(p));
    }

    void handle_pipe(zmq::multipart_t& m) {
        if (m.size() != 3 || m[0].to_string_view() != "REQ") return;
        const uint64_t tag = actors::frame_number<uint64_t>(m[1]);
        auto env = decode_envelope(m[2].data(), m[2].size());
        if (!env) {
            to_parent("REP", tag, error_reply(0, "internal", env.error()));
            return;
        }
        const uint64_t rid = next_rid_++;
        Pending p;
        p.tag = tag;
        p.kind = env->kind();
        p.envelope = rewrite(*env, rid, token_);
        p.deadline = Clock::now() + config_.request_timeout;
        p.attempt_deadline = Clock::now() + attempt_timeout();
        dealer_->send(zmq::buffer(p.envelope), zmq::send_flags::dontwait);
        pending_.emplace(rid, std::move(p));
    }

    void handle_dealer() {
        zmq::multipart_t m;
        while (dealer_ && m.recv(*dealer_, static_cast<int>(zmq::recv_flags::dontwait))) {
            if (m.size() == 2) {
                on_event(m);
                m.clear();
                continue;
            }
            if (m.size() != 1) {
                m.clear();
                continue;  // a tracker that sends garbage gets no say
            }
            const zmq::message_t frame = m.pop();
            auto env = decode_envelope(frame.data(), frame.size());
            if (!env) continue;  // a tracker that sends garbage gets no say
            auto it = pending_.find(env->request_id());
            if (it == pending_.end()) continue;  // late reply to a request we gave up on
            if (env->kind() == Kind::Error && !it->second.resent &&
                env->as<msg::Error>()->code == "hello_required") {
                // The tracker restarted and forgot this connection.
                logging::info("session", "tracker ", tracker().label(), " forgot this connection; saying Hello again");
                it->second.resent = true;
                send_internal(msg::Hello{msg::kProtocolVersion, config_.node_id});
                dealer_->send(zmq::buffer(it->second.envelope), zmq::send_flags::dontwait);
                continue;
            }
            if (env->kind() == Kind::NotPrimary) {
                not_primary(env->as<msg::NotPrimary>());
                continue;  // it stays pending: it goes again after the switch
            }
            Pending p = std::move(it->second);
            pending_.erase(it);
            if (!p.internal || p.kind == Kind::Heartbeat) {
                std::fill(notes_.begin(), notes_.end(), std::string());
                std::fill(handshake_failed_.begin(), handshake_failed_.end(), false);
            }
            if (env->kind() == Kind::HelloOk) {
                auto hello = env->as<msg::HelloOk>();
                if (hello && hello->role == msg::role::kPrimary) on_primary(*hello);
            }
            follow_session(p, *env);
            if (!p.internal) to_parent("REP", p.tag, frame.to_string());
        }
    }

    // A primary answered Hello: pass on its ticket key, and tell the parent
    // when it is another tracker than before (a failover).
    void on_primary(const msg::HelloOk& hello) {
        if (!hello.ticket_key.empty()) {
            zmq::multipart_t out;
            out.addstr("KEY");
            out.addstr(hello.ticket_key);
            out.send(pipe_);
        }
        if (confirmed_ && *confirmed_ != current_) {
            zmq::multipart_t out;
            out.addstr("SWITCHED");
            out.addstr("now using " + tracker_name(current_) + ", the primary (" + tracker_name(*confirmed_) +
                       " " + switch_reason_ + ")");
            out.send(pipe_);
        }
        confirmed_ = current_;
    }

    // A standby answered: go to the primary it names; with none named, try
    // the next tracker after a short pause (the standby may be waiting for a
    // peer, or another standby has the better claim).
    void not_primary(const Result<msg::NotPrimary>& np) {
        notes_[current_] = np ? np->text : tracker_name(current_) + " refused without saying why";
        std::size_t next = (current_ + 1) % config_.trackers.size();
        if (np && np->primary >= 1 && np->primary <= config_.trackers.size() && np->primary - 1 != current_) {
            next = np->primary - 1;
        }
        switch_reason_ = "is a standby";
        switch_to_ = next;
        switch_at_ = Clock::now() + std::chrono::milliseconds(np && np->primary ? 50 : 250);
    }

    // Moves every outstanding request to tracker `next` on a fresh socket,
    // with the same request ids: the tracker's idempotency key (node id +
    // request id) makes a request that did reach the old primary count once.
    void fail_over(std::size_t next) {
        logging::warn("session", "trying ", tracker_name(next), " (", tracker_name(current_), " ", switch_reason_, ")");
        switch_to_.reset();
        current_ = next;
        close_dealer();
        std::erase_if(pending_, [](const auto& kv) { return kv.second.internal; });
        open_sockets();
        const auto attempt = Clock::now() + attempt_timeout();
        for (auto& [rid, p] : pending_) {
            if (p.internal) continue;
            p.attempt_deadline = attempt;
            p.resent = false;
            dealer_->send(zmq::buffer(p.envelope), zmq::send_flags::dontwait);
        }
    }

    // Keeps token and subscriptions in step with what the tracker said yes to.
    void follow_session(const Pending& p, const Envelope& reply) {
        if (reply.kind() == Kind::LoginOk) {
            auto ok = reply.as<msg::LoginOk>();
            if (!ok) return;
            token_ = ok->token;
            user_ = ok->user;
        } else if (reply.kind() == Kind::Ok) {
            if (p.kind == Kind::Logout) end_session();
        } else if (reply.kind() == Kind::Error && p.kind == Kind::Heartbeat) {
            auto err = reply.as<msg::Error>();
            if (err && err->code == "no_session" && !token_.empty()) {
                logging::warn("session", "the tracker ended the session of ", user_, ": ", err->text);
                end_session();
                zmq::multipart_t out;
                out.addstr("LOST");
                out.addstr(err->text);
                out.send(pipe_);
            }
        }
    }

    void end_session() {
        token_.clear();
        user_.clear();
    }

    // The tracker sends this session's events on its connection, as
    // [topic][event]: only those of its user and of their groups (group
    // events are not on the tracker's PUB for nodes: docs/security.md).
    void on_event(zmq::multipart_t& m) {
        if (token_.empty()) return;  // one that crossed a logout
        auto env = decode_envelope(m[1].data(), m[1].size());
        if (!env || !env->as<msg::TrackerEvent>()) return;
        zmq::multipart_t out;
        out.addstr("EVENT");
        out.addstr(m[0].to_string());
        out.addstr(m[1].to_string());
        out.send(pipe_);
    }

    void heartbeat() {
        if (token_.empty()) return;
        for (const auto& [rid, p] : pending_) {
            if (p.kind == Kind::Heartbeat) return;  // the last one is still out
        }
        send_internal(msg::Heartbeat{token_});
    }

    void check_deadlines() {
        const auto now = Clock::now();
        if (!replicated()) {
            bool expired = false;
            for (const auto& [rid, p] : pending_) expired |= p.deadline <= now;
            if (!expired) return;
            // Every request on the poisoned socket fails together.
            fail_all(handshake_failed_[current_] ? notes_[current_]
                                                 : "tracker " + tracker().label() + " did not answer within " +
                                                       seconds(config_.request_timeout) + " (is it running?)");
            reset_dealer();
            return;
        }
        // Several trackers: a caller waits its whole timeout while the
        // requests move from tracker to tracker.
        for (auto it = pending_.begin(); it != pending_.end();) {
            if (it->second.deadline > now) {
                ++it;
                continue;
            }
            if (!it->second.internal) to_parent("REP", it->second.tag, error_reply(it->first, "unreachable", why_no_tracker()));
            it = pending_.erase(it);
        }
        bool silent = false;
        for (const auto& [rid, p] : pending_) silent |= p.attempt_deadline <= now;
        if (silent) {
            switch_reason_ = "did not answer within " + seconds(attempt_timeout());
            if (!handshake_failed_[current_]) notes_[current_] = tracker_name(current_) + " " + switch_reason_;
            fail_over((current_ + 1) % config_.trackers.size());
        } else if (switch_to_ && switch_at_ <= now) {
            fail_over(*switch_to_);
        }
    }

    // What each tracker did, for a caller whose whole timeout passed.
    std::string why_no_tracker() const {
        std::string out;
        bool refused = false;
        for (std::size_t i = 0; i < notes_.size(); ++i) {
            if (notes_[i].empty()) continue;
            refused |= notes_[i].find("did not answer") == std::string::npos;
            out += (out.empty() ? "" : "; ") + notes_[i];
        }
        const std::string head = refused ? "no primary tracker within " : "no tracker answered within ";
        if (out.empty()) out = "are they running?";
        return head + seconds(config_.request_timeout) + ": " + out;
    }

    void fail_all(const std::string& why) {
        logging::warn("session", why, "; failing ", pending_.size(), " request(s)");
        for (auto& [rid, p] : pending_) {
            if (!p.internal) to_parent("REP", p.tag, error_reply(rid, "unreachable", why));
        }
        pending_.clear();
    }

    static std::string seconds(std::chrono::milliseconds d) {
        const auto ms = d.count();
        return std::to_string(ms / 1000) + (ms % 1000 ? "." + std::to_string(ms % 1000 / 100) : "") + " s";
    }

    void to_parent(const char* verb, uint64_t tag, const std::string& body) {
        zmq::multipart_t out;
        out.addstr(verb);
        out.addtyp(tag);
        out.addstr(body);
        out.send(pipe_);
    }

    zmq::context_t& ctx_;
    SessionConfig config_;
    zmq::socket_t& pipe_;
    actors::Loop loop_;
    std::unique_ptr<zmq::socket_t> dealer_;
    std::map<uint64_t, Pending> pending_;
    // Request ids are idempotency keys at the tracker (with the node id, which
    // outlives this process): start each run somewhere new.
    uint64_t next_rid_ = first_request_id();
    std::string token_;
    std::string user_;
    std::size_t current_ = 0;                 // the tracker the DEALER talks to
    std::optional<std::size_t> confirmed_;    // the last tracker that said it is primary
    std::optional<std::size_t> switch_to_;    // a standby sent us on: go there at switch_at_
    Clock::time_point switch_at_{};
    std::string switch_reason_;
    std::vector<std::string> notes_ = std::vector<std::string>(config_.trackers.size());  // why each tracker did not serve
    std::vector<bool> handshake_failed_ = std::vector<bool>(config_.trackers.size());
    std::unique_ptr<zmq::socket_t> monitor_;  // the DEALER's socket events (CURVE or --events)
    actors::EventSink events_;                // disabled without --events
    uint64_t monitors_ = 0;
    bool handshake_ok_ = false;
};

}  // namespace

TrackerSession::TrackerSession(zmq::context_t& ctx, SessionConfig config)
    : actor_(std::make_unique<actors::Actor>(ctx, "tracker-session", [&ctx, config](zmq::socket_t& pipe) {
          SessionActor session(ctx, config, pipe);
          session.run();
      })) {}

void TrackerSession::send_request(uint64_t tag, std::string envelope) {
    zmq::multipart_t m;
    m.addstr("REQ");
    m.addtyp(tag);
    m.addstr(std::move(envelope));
    m.send(actor_->pipe());
}

}  // namespace p2p::node
