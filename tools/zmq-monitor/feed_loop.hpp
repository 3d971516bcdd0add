#pragma once
// The socket side of zmq-monitor: one SUB socket per endpoint (so every line
// can name its source), each with a libzmq socket monitor read through a
// PAIR socket, all polled by one thread until a stop signal.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/curve.hpp"
#include "tools/zmq-monitor/command_line.hpp"
#include "tools/zmq-monitor/line_format.hpp"

namespace p2p::monitor {

struct FeedConfig {
    std::vector<Target> targets;
    std::vector<std::string> topics;  // empty: everything (and only then are gaps counted)
    Style style = Style::Text;
    actors::Security security;        // our key pair; none = plain
    bool stats = false;               // --stats: a redrawn summary instead of one line per event
};

// libzmq refused an endpoint that passed normalize_endpoint() (e.g. an
// unresolvable host): an argument error, not a runtime failure.
struct BadEndpoint : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Runs until stop_requested() or until emit() returns false (stdout gone).
// emit gets each finished line, without the newline; warn gets the "error:"
// lines (a refused handshake), which go to stderr and do not stop the loop.
// Throws BadEndpoint, or zmq::error_t when a socket cannot be set up at all.
Tally run_feeds(const FeedConfig& config, const std::function<bool(const std::string&)>& emit,
                const std::function<void(const std::string&)>& warn);

}  // namespace p2p::monitor
