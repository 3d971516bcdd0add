// Someone with a CURVE key of their own (any node's, say) subscribes to a
// tracker's event port. Group events name members and files, so that port
// admits operators' keys only: the handshake must fail, and nothing may
// arrive.
#include <cstring>
#include <iostream>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "actors/curve.hpp"
#include "messages/tracker_info.hpp"
#include "tools/probe/probes.hpp"

namespace probe {

int eavesdrop(const std::vector<std::string>& args) {
    if (args.size() != 2) {
        std::cerr << "error: usage: probe eavesdrop TRACKER_INFO N\n";
        return 2;
    }
    auto trackers = p2p::load_tracker_info(args[0]);
    if (!trackers) {
        std::cout << "error: " << trackers.error() << std::endl;
        return 1;
    }
    const int n = std::atoi(args[1].c_str());
    if (n < 1 || static_cast<std::size_t>(n) > trackers->size()) {
        std::cout << "error: no tracker " << args[1] << " in " << args[0] << std::endl;
        return 1;
    }
    const auto& tracker = (*trackers)[static_cast<std::size_t>(n - 1)];
    zmq::context_t ctx;
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::linger, 0);
    p2p::actors::make_client(sub, p2p::actors::Security{p2p::actors::generate_curve_keys()}, tracker.key);
    zmq_socket_monitor(sub.handle(), "inproc://probe-eavesdrop",
                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    zmq::socket_t monitor(ctx, zmq::socket_type::pair);
    monitor.connect("inproc://probe-eavesdrop");
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(tracker.pub_endpoint());

    // The verdict is the handshake's: a refused key never gets a byte.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        zmq::pollitem_t items[] = {{monitor.handle(), 0, ZMQ_POLLIN, 0}, {sub.handle(), 0, ZMQ_POLLIN, 0}};
        zmq::poll(items, 2, std::chrono::milliseconds(100));
        if (items[1].revents & ZMQ_POLLIN) {
            std::cout << "error: an event from " << tracker.pub_endpoint() << " reached a key that is no operator's"
                      << std::endl;
            return 1;
        }
        if (!(items[0].revents & ZMQ_POLLIN)) continue;
        zmq::multipart_t event;
        if (!event.recv(monitor) || event.empty() || event[0].size() < 2) continue;
        uint16_t id = 0;
        std::memcpy(&id, event[0].data(), sizeof id);
        if (id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            std::cout << "error: " << tracker.pub_endpoint() << " admitted a key that is no operator's" << std::endl;
            return 1;
        }
        std::cout << "ok: " << tracker.pub_endpoint() << " refused the handshake of a key that is no operator's"
                  << std::endl;
        return 0;
    }
    std::cout << "error: no verdict from " << tracker.pub_endpoint() << " within 5 s (is the tracker running?)"
              << std::endl;
    return 1;
}

}  // namespace probe
