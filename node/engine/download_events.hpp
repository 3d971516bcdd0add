#pragma once
// A download as a process event (messages/process_events.hpp) for the
// node's --events PUB: what zmq-monitor shows and `bench` plots.
#include <string>

#include "messages/process_events.hpp"
#include "node/engine/download.hpp"

namespace p2p::node {

// type: one of msg::process_event::kDownload*; detail: why it failed, or "".
msg::ProcessEvent download_event(const Download& d, const char* type, const std::string& process,
                                 SteadyClock::time_point now, const std::string& detail = {});

}  // namespace p2p::node
