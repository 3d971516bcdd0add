#pragma once
// Who may read a tracker's events. Group events name members and files, so
// the PUB port is for operators only (nodes get their groups' events over
// their own session connection, see docs/security.md): the other trackers of
// tracker_info.txt, the tracker's own key (a zmq-monitor run with
// --key-dir DATA), and the keys listed in DATA/monitor_keys
// (actors/key_list.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "actors/key_list.hpp"
#include "actors/zap_handler.hpp"

namespace p2p::tracker {

inline constexpr const char* kMonitorKeysFile = "monitor_keys";
// The ZAP domain of the PUB socket.
inline constexpr const char* kEventsZapDomain = "p2pshare-events";

// DATA/monitor_keys; a missing file lists no key.
actors::KeyList read_monitor_keys(const std::filesystem::path& data_dir);

// The tracker's ZAP policy: kEventsZapDomain admits `operator_keys` and
// whatever DATA/monitor_keys lists at the moment of the handshake (read
// each time, so adding a key needs no restart); every other domain admits
// any key.
actors::ZapPolicy tracker_zap_policy(std::vector<std::string> operator_keys, std::filesystem::path data_dir);

}  // namespace p2p::tracker
