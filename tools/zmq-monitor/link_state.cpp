#include "tools/zmq-monitor/link_state.hpp"

#include <cstdio>
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

std::string handshake_hint(uint16_t zmq_event, uint32_t value, bool curve) {
    if (zmq_event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        return "handshake refused (auth, status " + std::to_string(value) +
               "): the publisher does not admit this monitor's key; add it to the tracker's DATA/monitor_keys, "
               "or run with --key-dir TRACKER_DATA on the tracker's machine";
    }
    if (zmq_event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL && value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
        return curve ? "handshake failed (protocol): the publisher does not use CURVE; if it runs with --plain, so must "
                       "zmq-monitor"
                     : "handshake failed (protocol): the publisher uses CURVE; drop --plain and give its key";
    }
    if (zmq_event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
        char code[16];
        std::snprintf(code, sizeof code, "0x%x", static_cast<unsigned>(value));
        return std::string("handshake failed (protocol error ") + code +
               "): not a p2pshare PUB port, or a server key that is not this publisher's";
    }
    // libzmq gives no detail for the two common mistakes: a NULL client
    // meeting a CURVE server, and a CURVE client holding the wrong server key.
    return curve ? "handshake failed: most likely the server key given for it is not the publisher's (or it runs "
                   "--plain)"
                 : "handshake failed: the publisher most likely uses CURVE; drop --plain and give its key";
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
