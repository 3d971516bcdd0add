#include "actors/socket_events.hpp"

#include <cstdio>
#include <cstring>

namespace p2p::actors {

std::optional<msg::ProcessEvent> socket_event(std::string_view first, std::string_view second,
                                              const std::string& socket_name, const std::string& process) {
    uint16_t event = 0;
    uint32_t value = 0;
    if (first.size() != sizeof event + sizeof value) return std::nullopt;
    std::memcpy(&event, first.data(), sizeof event);
    std::memcpy(&value, first.data() + sizeof event, sizeof value);
    msg::ProcessEvent out;
    out.process = process;
    out.socket = socket_name;
    out.peer = std::string(second);
    namespace pe = msg::process_event;
    switch (event) {
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: out.type = pe::kConnected; break;
        case ZMQ_EVENT_DISCONNECTED: out.type = pe::kDisconnected; break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            out.type = pe::kHandshakeFailed;
            out.detail = "auth: key refused (status " + std::to_string(value) + ")";
            break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: {
            char code[32];
            std::snprintf(code, sizeof code, "protocol error 0x%x", static_cast<unsigned>(value));
            out.type = pe::kHandshakeFailed;
            out.detail = value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH ? "CURVE/plain mismatch" : code;
            break;
        }
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
            out.type = pe::kHandshakeFailed;
            out.detail = "no detail (wrong server key?)";
            break;
        default: return std::nullopt;
    }
    return out;
}

}  // namespace p2p::actors
