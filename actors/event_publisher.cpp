#include "actors/event_publisher.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <zmq_addon.hpp>

#include "actors/key_list.hpp"
#include "actors/loop.hpp"
#include "actors/socket_events.hpp"
#include "actors/zap_handler.hpp"
#include "messages/envelope.hpp"
#include "messages/publish_stamp.hpp"

namespace p2p::actors {

namespace {

constexpr const char* kEventsInbox = "inproc://p2p.events";
const std::string kMonitorPrefix = "inproc://p2p.monitor.";

class Publisher {
public:
    Publisher(zmq::context_t& ctx, zmq::context_t& own_ctx, const EventsConfig& config)
        : config_(config),
          pub_(own_ctx, zmq::socket_type::pub),
          inbox_(ctx, zmq::socket_type::pull) {
        pub_.set(zmq::sockopt::linger, 0);
        const bool ipc = config_.endpoint.rfind("ipc://", 0) == 0;
        if (!ipc) make_server(pub_, config_.security);
        pub_.bind(config_.endpoint);
        // Plain ipc: the socket file's mode is the only guard, so owner only.
        if (ipc) (void)::chmod(config_.endpoint.substr(6).c_str(), 0600);
        inbox_.set(zmq::sockopt::linger, 0);
        inbox_.bind(kEventsInbox);
        for (const auto& name : config_.sockets) {
            // inproc connect before bind is fine: the owner's
            // zmq_socket_monitor() binds later and the pair then completes.
            auto pair = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pair);
            pair->set(zmq::sockopt::linger, 0);
            pair->connect(kMonitorPrefix + name);
            monitors_.emplace_back(name, std::move(pair));
        }
    }

    void run(zmq::socket_t& pipe) {
        loop_.on_pipe(pipe, [](zmq::multipart_t&) {});
        loop_.on(inbox_, [this] { forward_inbox(); });
        for (auto& [name, pair] : monitors_) {
            loop_.on(*pair, [this, n = name, s = pair.get()] { forward_monitor(n, *s); });
        }
        signal_ready(pipe);
        loop_.run();
    }

private:
    void publish(const std::string& topic, const std::string& envelope) {
        auto stamped = msg::restamp(envelope, seq_.next());
        zmq::multipart_t out;
        out.addstr(topic);
        out.addstr(stamped ? std::move(*stamped) : envelope);
        out.send(pub_, static_cast<int>(zmq::send_flags::dontwait));
    }

    void forward_inbox() {
        zmq::multipart_t m;
        while (m.recv(inbox_, static_cast<int>(zmq::recv_flags::dontwait))) {
            if (m.size() == 2) publish(m[0].to_string(), m[1].to_string());
            m.clear();
        }
    }

    void forward_monitor(const std::string& name, zmq::socket_t& pair) {
        zmq::multipart_t m;
        while (m.recv(pair, static_cast<int>(zmq::recv_flags::dontwait))) {
            if (m.size() == 2) {
                auto event = socket_event(m[0].to_string_view(), m[1].to_string_view(), name, config_.process);
                if (event) publish(msg::socket_topic(name), encode(0, *event));
            }
            m.clear();
        }
    }

    const EventsConfig& config_;
    zmq::socket_t pub_;
    zmq::socket_t inbox_;
    std::vector<std::pair<std::string, std::unique_ptr<zmq::socket_t>>> monitors_;
    msg::PublishSequence seq_;
    Loop loop_;
};

}  // namespace

namespace {

// Who may read the events: this process's own key (an operator on its
// machine runs zmq-monitor --key-dir DATA) and the keys listed in the keys
// file at the moment of the handshake, so adding one needs no restart.
ZapPolicy operators_only(const EventsConfig& config) {
    std::vector<std::string> own;
    if (config.security.own) own.push_back(config.security.own->public_key);
    return [own = std::move(own), file = config.keys_file](std::string_view, const std::string& key) {
        return key_admitted(key, own, file);
    };
}

}  // namespace

EventPublisher::EventPublisher(zmq::context_t& ctx, EventsConfig config)
    : zap_(std::make_unique<ZapHandler>(own_ctx_, operators_only(config))),
      actor_(std::make_unique<Actor>(ctx, "events", [&ctx, this, config = std::move(config)](zmq::socket_t& pipe) {
          try {
              Publisher publisher(ctx, own_ctx_, config);
              publisher.run(pipe);
          } catch (const zmq::error_t& e) {
              signal_failed(pipe, "cannot publish events on " + config.endpoint + ": " + e.what());
          }
      })) {}

EventPublisher::~EventPublisher() {
    actor_.reset();  // the PUB closes before its context's ZAP handler goes
    zap_.reset();
}

void watch_socket(zmq::socket_t& socket, const std::string& name) {
    const std::string addr = kMonitorPrefix + name;
    if (zmq_socket_monitor(socket.handle(), addr.c_str(), kWatchedSocketEvents) != 0) throw zmq::error_t();
}

EventSink::EventSink(zmq::context_t& ctx) : push_(std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::push)) {
    push_->set(zmq::sockopt::linger, 0);
    push_->connect(kEventsInbox);
}

void EventSink::send(const std::string& topic, const std::string& envelope) {
    if (!push_) return;
    zmq::multipart_t m;
    m.addstr(topic);
    m.addstr(envelope);
    // dontwait: a full queue drops the event; the stamps will show the gap.
    (void)m.send(*push_, static_cast<int>(zmq::send_flags::dontwait));
}


}  // namespace p2p::actors
