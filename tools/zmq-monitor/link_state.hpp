#pragma once
// The connection state of one SUB socket, from libzmq's socket-monitor
// events, reduced to what a person watching trackers wants to know: is it
// up, did it go away, is it trying again.
//
// libzmq reports every reconnect attempt; with a tracker down that is one
// event per reconnect interval. LinkState prints each kind of trouble once
// per outage and "connected" once per recovery, so the output stays readable.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace p2p::monitor {

enum class Link { Connected, Disconnected, Retrying, HandshakeFailed };

std::string_view link_name(Link link);

// ZMQ_EVENT_* number to Link, or nullopt for events we do not show.
// "Connected" is ZMQ_EVENT_HANDSHAKE_SUCCEEDED, not the bare TCP connect:
// only after the ZMTP handshake can events actually flow.
std::optional<Link> link_from_zmq_event(uint16_t zmq_event);

// One socket-monitor message: frame 1 is uint16 event + uint32 value in host
// byte order, frame 2 the peer address (libzmq 4.x, non-draft layout).
struct MonitorEvent {
    uint16_t event = 0;
    uint32_t value = 0;
    std::string address;
};
std::optional<MonitorEvent> parse_monitor_message(std::string_view first, std::string_view second);

// Why a handshake failed and what to do, for the one "error:" line printed
// per outage (without the "error: ENDPOINT: " prefix). zmq_event is one of
// ZMQ_EVENT_HANDSHAKE_FAILED_*, value its detail; curve says whether we
// asked for CURVE.
std::string handshake_hint(uint16_t zmq_event, uint32_t value, bool curve);

class LinkState {
public:
    // True when this change should be printed.
    bool report(Link link);

private:
    bool up_ = false;
    std::set<Link> reported_while_down_;
};

}  // namespace p2p::monitor
