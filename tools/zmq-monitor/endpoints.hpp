#pragma once
// Which PUB endpoints to subscribe to: the ones named on the command line,
// normalised, plus the pub port of every tracker in --tracker-info files.
#include <string>
#include <string_view>
#include <vector>

#include "messages/result.hpp"
#include "tools/zmq-monitor/command_line.hpp"

namespace p2p::monitor {

// "tcp://HOST:PORT" and "ipc://PATH" pass through (tcp's port is checked
// here so a typo is an argument error, not a silent never-connecting
// socket); a bare "IP:PORT" becomes "tcp://IP:PORT" ("localhost" becomes
// 127.0.0.1, as everywhere in p2pshare). Other transports are refused:
// inproc cannot reach another process.
Result<std::string> normalize_endpoint(std::string_view text);

// "KEY@ENDPOINT" (KEY: a 40-character Z85 CURVE public key) or a bare
// ENDPOINT, normalised. Z85 has '@' in its alphabet, so the key is recognised
// by its fixed length, not by searching for '@'.
Result<Target> parse_target(std::string_view text);

// options.endpoints followed by each tracker-info file's pub endpoints (with
// their key=), in order, without duplicates (one socket per endpoint, or
// every event would print twice). --server-key fills in endpoints given
// without a key. Unless options.plain, every tcp:// target must end up with
// a key. Reads the files; a failure names the file and line.
Result<std::vector<Target>> collect_endpoints(const Options& options);

}  // namespace p2p::monitor
