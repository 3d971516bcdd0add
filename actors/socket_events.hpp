#pragma once
// libzmq socket-monitor messages turned into process events
// (messages/process_events.hpp). Pure, so the mapping is unit-tested.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.h>

#include "messages/process_events.hpp"

namespace p2p::actors {

// The events worth a line: a connection made (after the ZMTP handshake, so
// traffic can flow), lost, or refused.
inline constexpr int kWatchedSocketEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                                            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                            ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

// first: uint16 event + uint32 value (host byte order); second: the address
// (libzmq 4.x, non-draft layout). nullopt for a malformed message or an
// event not in kWatchedSocketEvents.
std::optional<msg::ProcessEvent> socket_event(std::string_view first, std::string_view second,
                                              const std::string& socket_name, const std::string& process);

}  // namespace p2p::actors
