#pragma once
// Process events: what a tracker or node started with --events ENDPOINT
// publishes about itself, for zmq-monitor. Same shape as tracker events:
//
//   [topic][envelope(ProcessEvent, request_id = publish stamp)]
//
// stamped like every published event (publish_stamp.hpp), so gaps and
// restarts show the same way. Topics:
//   "socket.NAME"   the ZeroMQ socket monitor of one of its main sockets
//                   (NAME: router, pub, session, peers): connected,
//                   disconnected, handshake_failed
//   "download.G"    a node's downloads in group G: started, progress (about
//                   once a second while fetching), finished, failed
#include <cstdint>
#include <string>

#include <msgpack.hpp>

#include "messages/kind.hpp"

namespace p2p::msg {

namespace process_event {
inline constexpr const char* kConnected = "connected";
inline constexpr const char* kDisconnected = "disconnected";
inline constexpr const char* kHandshakeFailed = "handshake_failed";
inline constexpr const char* kDownloadStarted = "download_started";
inline constexpr const char* kDownloadProgress = "download_progress";
inline constexpr const char* kDownloadFinished = "download_finished";
inline constexpr const char* kDownloadFailed = "download_failed";
}  // namespace process_event

struct ProcessEvent {
    static constexpr Kind kind = Kind::ProcessEvent;
    std::string type;      // one of process_event::k*
    std::string process;   // who says it: "tracker-1", "node-127.0.0.1:7000"
    std::string socket{};  // socket events: which socket (router, session, ...)
    std::string peer{};    // socket events: the remote address
    std::string detail{};  // free text: why a handshake failed, why a download failed
    std::string group{};   // downloads
    std::string file{};
    uint64_t pieces_done = 0;
    uint64_t pieces_total = 0;
    uint64_t rate = 0;     // bytes/s over the last seconds
    uint32_t sources = 0;  // peers it is fetching from now
    MSGPACK_DEFINE_MAP(type, process, socket, peer, detail, group, file, pieces_done, pieces_total, rate, sources);
};

inline std::string socket_topic(const std::string& name) { return "socket." + name; }
inline std::string download_topic(const std::string& group) { return "download." + group; }

}  // namespace p2p::msg
