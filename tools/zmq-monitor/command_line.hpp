#pragma once
// zmq-monitor's arguments: parsed without touching the file system or the
// network, so every error is a plain value the tests can check.
#include <string>
#include <vector>

#include "messages/result.hpp"

namespace p2p::monitor {

// One PUB socket to watch and the CURVE key its server must hold.
struct Target {
    std::string endpoint;    // normalised (endpoints.hpp)
    std::string server_key;  // Z85; "" = not given (plain for ipc://, an error for tcp:// unless --plain)
    bool operator==(const Target&) const = default;
};

struct Options {
    bool help = false;
    bool json = false;
    bool plain = false;                          // --plain: no CURVE at all
    bool stats = false;                          // --stats: a summary redrawn at a terminal
    std::string key_dir;                         // --key-dir; "" = ~/.p2pshare/monitor
    std::string server_key;                      // --server-key: for endpoints given without KEY@
    std::vector<std::string> topics;             // empty: subscribe to everything
    std::vector<std::string> tracker_info_files; // read later, by collect_endpoints()
    std::vector<Target> endpoints;               // from the command line, in order
};

// args excludes argv[0]. A failure's reason is the text after "error: ".
// --help wins over everything else on the line.
Result<Options> parse_command_line(const std::vector<std::string>& args);

const char* usage_text();

}  // namespace p2p::monitor
