#pragma once
// Who may read a tracker's events. Group events name members and files, so
// the PUB port is for operators only (nodes get their groups' events over
// their own session connection, see docs/security.md): the other trackers of
// tracker_info.txt, the tracker's own key (a zmq-monitor run with
// --key-dir DATA), and the keys listed in DATA/monitor_keys.
#include <filesystem>
#include <string>
#include <vector>

#include "actors/zap_handler.hpp"

namespace p2p::tracker {

inline constexpr const char* kMonitorKeysFile = "monitor_keys";
// The ZAP domain of the PUB socket.
inline constexpr const char* kEventsZapDomain = "p2pshare-events";

struct MonitorKeys {
    std::vector<std::string> keys;        // Z85 public keys
    std::vector<std::string> bad_lines;   // "line N: reason", for a warning at start
};

// One key per line, optionally as "key=Z85"; a '#' at the start of a word
// starts a comment (Z85 has '#', but never as a key's first character);
// blank lines are skipped.
MonitorKeys parse_monitor_keys(const std::string& text);
// DATA/monitor_keys; a missing file lists no key.
MonitorKeys read_monitor_keys(const std::filesystem::path& data_dir);

// The tracker's ZAP policy: kEventsZapDomain admits `operator_keys` and
// whatever DATA/monitor_keys lists at the moment of the handshake (read
// each time, so adding a key needs no restart); every other domain admits
// any key.
actors::ZapPolicy tracker_zap_policy(std::vector<std::string> operator_keys, std::filesystem::path data_dir);

}  // namespace p2p::tracker
