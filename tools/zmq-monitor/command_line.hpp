#pragma once
// zmq-monitor's arguments: parsed without touching the file system or the
// network, so every error is a plain value the tests can check.
#include <string>
#include <vector>

#include "messages/result.hpp"

namespace p2p::monitor {

struct Options {
    bool help = false;
    bool json = false;
    std::vector<std::string> topics;             // empty: subscribe to everything
    std::vector<std::string> tracker_info_files; // read later, by collect_endpoints()
    std::vector<std::string> endpoints;          // already normalised (endpoints.hpp)
};

// args excludes argv[0]. A failure's reason is the text after "error: ".
// --help wins over everything else on the line.
Result<Options> parse_command_line(const std::vector<std::string>& args);

const char* usage_text();

}  // namespace p2p::monitor
