#pragma once
// tracker_info.txt: where the trackers are. One tracker per line:
//
//   IP:PORT [pub=PORT] [repl=PORT] [key=Z85] [name=VALUE ...]     # comment
//
// key= is the tracker's CURVE public key (`tracker --keygen` prints the word
// to paste): nodes and other trackers only talk to the holder of that key.
// Tracker N is the N-th tracker line (1-based). The PUB port defaults to
// PORT+1, the replication port (trackers talk to each other there) to PORT+2. Unknown keys are kept (later versions add e.g. a CURVE key) so that
// an old binary reading a newer file does not refuse it.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "messages/result.hpp"

namespace p2p {

struct TrackerAddress {
    std::string host;
    uint16_t port = 0;
    uint16_t pub_port = 0;
    uint16_t repl_port = 0;
    std::string key;  // the tracker's CURVE public key (Z85, 40 chars); "" when not given
    std::map<std::string, std::string> extra;

    std::string rpc_endpoint() const;  // tcp://host:port
    std::string pub_endpoint() const;  // tcp://host:pub_port
    std::string repl_endpoint() const; // tcp://host:repl_port
    std::string label() const;         // host:port
};

// "IP:PORT" with a dotted IPv4 address (or "localhost") and a port 1..65535.
Result<std::pair<std::string, uint16_t>> parse_host_port(std::string_view text);

// Errors name the file and line: "tracker_info.txt:3: bad port 'x'".
Result<std::vector<TrackerAddress>> parse_tracker_info(std::string_view text, std::string_view file_name);
Result<std::vector<TrackerAddress>> load_tracker_info(const std::filesystem::path& path);

}  // namespace p2p
