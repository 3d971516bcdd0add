// The --events publisher (actors/event_publisher.hpp) over real sockets:
// who it admits, what it stamps, and socket-monitor events turned into
// ProcessEvents. Every wait is for a condition, with a generous deadline.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <zmq_addon.hpp>

#include "actors/curve.hpp"
#include "actors/event_publisher.hpp"
#include "actors/socket_events.hpp"
#include "actors/zap_handler.hpp"
#include "messages/envelope.hpp"
#include "messages/publish_stamp.hpp"

using namespace p2p;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kDeadline = 10s;

// A port the kernel just handed out and took back, as the scenario runner
// picks them. A plain socket, closed at once: a ZeroMQ socket releases its
// port later, on its I/O thread, and the bind that follows could fail.
std::string free_tcp_endpoint() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

// Waits for one of the wanted socket-monitor events on `monitor`.
std::optional<uint16_t> wait_monitor(zmq::socket_t& monitor, int wanted) {
    const auto until = Clock::now() + kDeadline;
    while (Clock::now() < until) {
        zmq::multipart_t m;
        zmq::pollitem_t item{monitor.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, 100ms);
        if (!(item.revents & ZMQ_POLLIN) || !m.recv(monitor)) continue;
        uint16_t event = 0;
        std::memcpy(&event, m[0].data(), sizeof event);
        if (event & wanted) return event;
    }
    return std::nullopt;
}

struct Subscriber {
    zmq::socket_t sub;
    zmq::socket_t monitor;
    Subscriber(zmq::context_t& ctx, const std::string& name, const actors::CurveKeys& own, const std::string& server_key,
               const std::string& endpoint)
        : sub(ctx, zmq::socket_type::sub), monitor(ctx, zmq::socket_type::pair) {
        actors::Security security;
        security.own = own;
        actors::make_client(sub, security, server_key);
        sub.set(zmq::sockopt::linger, 0);
        sub.set(zmq::sockopt::reconnect_ivl, 50);
        sub.set(zmq::sockopt::subscribe, "");
        const std::string addr = "inproc://test-sub-monitor." + name;
        REQUIRE(zmq_socket_monitor(sub.handle(), addr.c_str(),
                                   ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) == 0);
        monitor.set(zmq::sockopt::linger, 0);
        monitor.connect(addr);
        sub.connect(endpoint);
    }
    ~Subscriber() { zmq_socket_monitor(sub.handle(), nullptr, 0); }
};

// Sends through `sink` until `sub` hears something on `topic` (a SUB's
// subscription reaches the PUB a moment after the handshake).
std::optional<zmq::multipart_t> receive_on(zmq::socket_t& sub, const std::string& topic, actors::EventSink* sink) {
    const auto until = Clock::now() + kDeadline;
    while (Clock::now() < until) {
        if (sink) sink->send(topic, encode(0, msg::ProcessEvent{"download_progress", "test"}));
        zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, 100ms);
        zmq::multipart_t m;
        while ((item.revents & ZMQ_POLLIN) && m.recv(sub, static_cast<int>(zmq::recv_flags::dontwait))) {
            if (m.size() == 2 && m[0].to_string() == topic) return m;
            m.clear();
        }
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("socket-monitor messages become process events", "[events]") {
    auto frame = [](uint16_t event, uint32_t value) {
        std::string f(6, '\0');
        std::memcpy(f.data(), &event, 2);
        std::memcpy(f.data() + 2, &value, 4);
        return f;
    };
    auto up = actors::socket_event(frame(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0), "tcp://1.2.3.4:5", "router", "tracker-1");
    REQUIRE(up);
    CHECK(up->type == "connected");
    CHECK(up->socket == "router");
    CHECK(up->peer == "tcp://1.2.3.4:5");
    CHECK(up->process == "tracker-1");
    auto refused = actors::socket_event(frame(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400), "a", "pub", "t");
    REQUIRE(refused);
    CHECK(refused->type == "handshake_failed");
    CHECK_THAT(refused->detail, Catch::Contains("auth"));
    auto mismatch =
        actors::socket_event(frame(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH), "a", "p", "t");
    REQUIRE(mismatch);
    CHECK_THAT(mismatch->detail, Catch::Contains("CURVE/plain"));
    CHECK_FALSE(actors::socket_event(frame(ZMQ_EVENT_CONNECTED, 0), "a", "p", "t"));
    CHECK_FALSE(actors::socket_event("short", "a", "p", "t"));
}

TEST_CASE("the events PUB admits its own key and monitor_keys, stamps, and reports watched sockets", "[events]") {
    const auto dir = std::filesystem::temp_directory_path() / ("p2p-events-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    zmq::context_t ctx;
    actors::ZapHandler zap(ctx);  // for the watched ROUTER below (CURVE server in ctx)
    const auto own = actors::generate_curve_keys();
    actors::Security security;
    security.own = own;
    const std::string endpoint = free_tcp_endpoint();
    actors::EventPublisher publisher(ctx, actors::EventsConfig{endpoint, "test-1", security, dir / "monitor_keys", {"x"}});
    actors::EventSink sink(ctx);

    SECTION("its own key is admitted and every message is stamped") {
        Subscriber operator_sub(ctx, "own", own, own.public_key, endpoint);
        REQUIRE(wait_monitor(operator_sub.monitor, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
        auto first = receive_on(operator_sub.sub, "download.g", &sink);
        REQUIRE(first);
        auto env = decode_envelope((*first)[1].to_string_view());
        REQUIRE(env);
        CHECK(env->kind() == Kind::ProcessEvent);
        const auto stamp = msg::unpack_stamp(env->request_id());
        CHECK(stamp.epoch != 0);
        CHECK(stamp.seq >= 1);

        // A watched socket's connections come out as socket.x events.
        zmq::socket_t router(ctx, zmq::socket_type::router);
        router.set(zmq::sockopt::linger, 0);
        actors::make_server(router, security);
        actors::watch_socket(router, "x");
        router.bind("tcp://127.0.0.1:*");
        zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
        dealer.set(zmq::sockopt::linger, 0);
        actors::make_client(dealer, actors::Security{actors::generate_curve_keys()}, own.public_key);
        dealer.connect(router.get(zmq::sockopt::last_endpoint));
        auto connected = receive_on(operator_sub.sub, "socket.x", nullptr);
        REQUIRE(connected);
        auto event = decode_envelope((*connected)[1].to_string_view())->as<msg::ProcessEvent>();
        REQUIRE(event);
        CHECK(event->type == "connected");
        CHECK(event->process == "test-1");
        zmq_socket_monitor(router.handle(), nullptr, 0);
    }

    SECTION("a stranger is refused until its key is in monitor_keys") {
        const auto stranger = actors::generate_curve_keys();
        Subscriber sub(ctx, "stranger", stranger, own.public_key, endpoint);
        REQUIRE(wait_monitor(sub.monitor, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED) ==
                ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
        std::ofstream(dir / "monitor_keys") << "# operators\n" << stranger.public_key << "  # laptop\n";
        // Read at each handshake: the next attempt gets in, no restart.
        // libzmq does not retry a refused handshake by itself (a protocol
        // error ends the session), so a client connects again, as
        // zmq-monitor does.
        try {
            sub.sub.disconnect(endpoint);
        } catch (const zmq::error_t&) {
        }
        sub.sub.connect(endpoint);
        REQUIRE(wait_monitor(sub.monitor, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    }
    std::filesystem::remove_all(dir);
}
