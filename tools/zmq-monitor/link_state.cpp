#include "tools/zmq-monitor/link_state.hpp"

#include <cstring>

#include <zmq.h>

namespace p2p::monitor {

std::string_view link_name(Link link) {
    switch (link) {
        case Link::Connected: return "connected";
        case Link::Disconnected: return "disconnected";
        case Link::Retrying: return "retrying";
        case Link::HandshakeFailed: return "handshake_failed";
    }
    return "unknown";
}

std::optional<Link> link_from_zmq_event(uint16_t zmq_event) {
    switch (zmq_event) {
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return Link::Connected;
        case ZMQ_EVENT_DISCONNECTED: return Link::Disconnected;
        case ZMQ_EVENT_CONNECT_RETRIED: return Link::Retrying;
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return Link::HandshakeFailed;
        default: return std::nullopt;
    }
}

std::optional<MonitorEvent> parse_monitor_message(std::string_view first, std::string_view second) {
    if (first.size() != sizeof(uint16_t) + sizeof(uint32_t)) return std::nullopt;
    MonitorEvent e;
    std::memcpy(&e.event, first.data(), sizeof e.event);
    std::memcpy(&e.value, first.data() + sizeof e.event, sizeof e.value);
    e.address = std::string(second);
    return e;
}

bool LinkState::report(Link link) {
    if (link == Link::Connected) {
        if (up_) return false;
        up_ = true;
        reported_while_down_.clear();
        return true;
    }
    up_ = false;
    return reported_while_down_.insert(link).second;
}

}  // namespace p2p::monitor
