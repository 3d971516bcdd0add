#include "tools/zmq-monitor/feed_loop.hpp"

#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <zmq.hpp>

#include "messages/limits.hpp"
#include "tools/zmq-monitor/frame_decoder.hpp"
#include "tools/zmq-monitor/link_state.hpp"
#include "tools/zmq-monitor/stats_view.hpp"
#include "tools/zmq-monitor/stop_signal.hpp"

namespace p2p::monitor {

namespace {

using Clock = std::chrono::system_clock;

// Short enough that a stop signal arriving between two polls is noticed
// quickly; long enough to cost nothing while idle.
constexpr std::chrono::milliseconds kPollTimeout{200};

// libzmq retries a lost connection every reconnect_ivl, doubling up to
// reconnect_ivl_max: a tracker that comes back is seen within a second or
// so, and a dead one is not hammered.
constexpr int kReconnectIvlMs = 100;
constexpr int kReconnectIvlMaxMs = 2000;
// After a refused handshake: not so often that a tracker's log fills up,
// soon enough that a key just added is noticed.
constexpr std::chrono::seconds kRefusedRetry{3};

constexpr int kMonitoredEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

// Reads every frame of one message. nullopt when nothing is waiting.
std::optional<std::vector<std::string>> recv_all(zmq::socket_t& socket) {
    std::vector<std::string> frames;
    zmq::message_t part;
    if (!socket.recv(part, zmq::recv_flags::dontwait)) return std::nullopt;
    frames.push_back(part.to_string());
    // The rest of a multipart message is already here once the first part
    // is (ZeroMQ delivers messages atomically), so a blocking recv is safe.
    while (part.more()) {
        (void)socket.recv(part, zmq::recv_flags::none);
        frames.push_back(part.to_string());
    }
    return frames;
}

struct Feed {
    std::string endpoint;
    bool curve;  // this connection uses CURVE
    zmq::socket_t sub;
    zmq::socket_t monitor;
    LinkState link;
    SequenceCheck sequence;
    // libzmq gives up on a connection whose handshake the server refused
    // (a protocol error, unlike a lost connection): we connect again
    // ourselves, so a key added to monitor_keys later is picked up.
    std::optional<Clock::time_point> reconnect_at;

    Feed(zmq::context_t& ctx, const Target& target, std::size_t index, const FeedConfig& config)
        : endpoint(target.endpoint),
          curve(!config.security.plain() && !target.server_key.empty()),
          sub(ctx, zmq::socket_type::sub),
          monitor(ctx, zmq::socket_type::pair),
          sequence(config.topics.empty()) {
        const auto& topics = config.topics;
        // Each SUB talks to one publisher, so each gets that publisher's key.
        if (curve) actors::make_client(sub, config.security, target.server_key);
        sub.set(zmq::sockopt::linger, 0);
        // Same cap as every control-plane socket in p2pshare: a peer sending
        // a bigger frame is disconnected by libzmq before we allocate it.
        sub.set(zmq::sockopt::maxmsgsize, limits::kControlFrameBytes);
        sub.set(zmq::sockopt::reconnect_ivl, kReconnectIvlMs);
        sub.set(zmq::sockopt::reconnect_ivl_max, kReconnectIvlMaxMs);
        if (topics.empty()) {
            sub.set(zmq::sockopt::subscribe, "");
        } else {
            for (const auto& t : topics) sub.set(zmq::sockopt::subscribe, t);
        }
        // The monitor must exist, and our PAIR be connected to it, before
        // connect(): libzmq drops monitor events nobody is connected for,
        // and the first retry/handshake would go unseen.
        const std::string addr = "inproc://zmq-monitor.link." + std::to_string(index);
        if (zmq_socket_monitor(sub.handle(), addr.c_str(), kMonitoredEvents) != 0) throw zmq::error_t();
        monitor.set(zmq::sockopt::linger, 0);
        monitor.connect(addr);
        try {
            sub.connect(endpoint);
        } catch (const zmq::error_t& e) {
            // e.g. a host name that does not resolve: the user's argument.
            throw BadEndpoint("cannot connect to " + endpoint + ": " + e.what());
        }
    }

    ~Feed() {
        // Stop the monitor before the sockets close, so libzmq is not left
        // sending events to a PAIR that is going away.
        zmq_socket_monitor(sub.handle(), nullptr, 0);
    }
};

class Loop {
public:
    Loop(const FeedConfig& config, const std::function<bool(const std::string&)>& emit,
         const std::function<void(const std::string&)>& warn)
        : config_(config), emit_(emit), warn_(warn) {
        for (std::size_t i = 0; i < config.targets.size(); ++i) {
            feeds_.push_back(std::make_unique<Feed>(ctx_, config.targets[i], i, config));
        }
        tally_.endpoints = feeds_.size();
    }

    Tally run() {
        std::vector<zmq::pollitem_t> items;
        for (auto& f : feeds_) {
            items.push_back({f->sub.handle(), 0, ZMQ_POLLIN, 0});
            items.push_back({f->monitor.handle(), 0, ZMQ_POLLIN, 0});
        }
        while (!stop_requested() && output_ok_) {
            try {
                zmq::poll(items.data(), items.size(), kPollTimeout);
            } catch (const zmq::error_t& e) {
                if (e.num() == EINTR) continue;  // a signal: the loop condition decides
                throw;
            }
            for (std::size_t i = 0; i < feeds_.size() && output_ok_; ++i) {
                if (items[2 * i].revents & ZMQ_POLLIN) drain_events(*feeds_[i]);
                if (items[2 * i + 1].revents & ZMQ_POLLIN) drain_monitor(*feeds_[i]);
            }
            if (config_.stats) redraw();
            reconnect_refused();
        }
        for (const auto& f : feeds_) {
            tally_.lost += f->sequence.lost();
            tally_.restarts += f->sequence.restarts();
        }
        return tally_;
    }

private:
    void drain_events(Feed& feed) {
        while (output_ok_) {
            auto frames = recv_all(feed.sub);
            if (!frames) return;
            const Stamp stamp{Clock::now(), feed.endpoint};
            const Decoded decoded = decode_frames(*frames);
            msg::PublishStamp seq;
            if (const auto* seen = std::get_if<SeenEvent>(&decoded)) {
                ++tally_.events;
                seq = seen->stamp;
            } else {
                ++tally_.undecodable;
                seq = std::get<Undecodable>(decoded).stamp;
            }
            // A gap or restart is printed before the event that revealed it,
            // never hidden: a lost event is what someone debugging needs to know.
            const SeqNote note = feed.sequence.observe(seq);
            if (note.kind != SeqNote::Kind::None) {
                stats_.count_lost(note.lost);
                print(format_seq_note(stamp, note, config_.style));
            }
            if (config_.stats) {
                const auto* seen = std::get_if<SeenEvent>(&decoded);
                if (seen) stats_.add(*seen);
                // Downloads are the table; everything else is news.
                if (!seen || !seen->process || seen->process->file.empty()) {
                    print(format_decoded(stamp, decoded, Style::Text));
                }
                continue;
            }
            print(format_decoded(stamp, decoded, config_.style));
        }
    }

    void drain_monitor(Feed& feed) {
        while (output_ok_) {
            auto frames = recv_all(feed.monitor);
            if (!frames) return;
            if (frames->size() != 2) continue;  // not the 4.x layout; nothing to show
            auto event = parse_monitor_message((*frames)[0], (*frames)[1]);
            if (!event) continue;
            if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || event->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
                feed.reconnect_at = Clock::now() + kRefusedRetry;
            }
            auto link = link_from_zmq_event(event->event);
            if (!link || !feed.link.report(*link)) continue;
            print(format_link(Stamp{Clock::now(), feed.endpoint}, *link, config_.style));
            if (*link == Link::HandshakeFailed) {
                warn_("error: " + feed.endpoint + ": " + handshake_hint(event->event, event->value, feed.curve));
            }
        }
    }

    void reconnect_refused() {
        const auto now = Clock::now();
        for (auto& f : feeds_) {
            if (!f->reconnect_at || now < *f->reconnect_at) continue;
            f->reconnect_at.reset();
            try {
                f->sub.disconnect(f->endpoint);
            } catch (const zmq::error_t&) {
                // ENOENT: libzmq already dropped the endpoint; connect anew.
            }
            f->sub.connect(f->endpoint);
        }
    }

    void print(const std::string& line) {
        if (config_.stats) return stats_.note(line);
        if (!emit_(line)) output_ok_ = false;
    }

    // --stats: home the cursor, clear the screen, draw the summary.
    void redraw() {
        const auto now = Clock::now();
        if (now - last_redraw_ < std::chrono::seconds(1)) return;
        last_redraw_ = now;
        if (!emit_("\x1b[H\x1b[2J" + stats_.render(iso_utc(now)))) output_ok_ = false;
    }

    const FeedConfig& config_;
    const std::function<bool(const std::string&)>& emit_;
    const std::function<void(const std::string&)>& warn_;
    // Declared before feeds_ so it is destroyed after every socket in them.
    zmq::context_t ctx_;
    std::vector<std::unique_ptr<Feed>> feeds_;
    Tally tally_;
    bool output_ok_ = true;
    StatsView stats_;
    Clock::time_point last_redraw_{};
};

}  // namespace

Tally run_feeds(const FeedConfig& config, const std::function<bool(const std::string&)>& emit,
                const std::function<void(const std::string&)>& warn) {
    Loop loop(config, emit, warn);
    return loop.run();
}

}  // namespace p2p::monitor
