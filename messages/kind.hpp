#pragma once
// Every message kind of every protocol, in one place, so that a number is
// never reused by accident. Numbers are wire format: never renumber; append.
#include <cstdint>
#include <string_view>

namespace p2p {

enum class Kind : uint16_t {
    // Replies shared by every protocol.
    Ok = 1,
    Error = 2,

    // Tracker RPC (tracker_protocol.hpp), node DEALER -> tracker ROUTER.
    Hello = 10,
    HelloOk = 11,
    CreateUser = 12,
    Login = 13,
    LoginOk = 14,
    Logout = 15,
    CreateGroup = 16,
    JoinGroup = 17,
    LeaveGroup = 18,
    ListRequests = 19,
    UserList = 20,
    AcceptRequest = 21,
    RejectRequest = 22,
    ListGroups = 23,
    GroupList = 24,
    Heartbeat = 25,

    // Tracker RPC for files (file_protocol.hpp).
    ShareFile = 26,
    StopShare = 27,
    ListFiles = 28,
    FileList = 29,
    GetFile = 30,
    FileDetails = 31,
    GetSources = 32,
    SourceList = 33,
    NotPrimary = 34,  // a standby's answer to any request but Hello

    // Peer wire (peer_protocol.hpp): downloader DEALER -> piece server ROUTER.
    HaveRequest = 50,
    HaveReply = 51,
    PieceRequest = 52,
    PieceReply = 53,

    // Tracker events (tracker PUB -> node SUB).
    TrackerEvent = 40,
    TrackerRole = 41,  // a tracker became primary or stepped down (replication_protocol.hpp)
    ProcessEvent = 42,  // a process's --events PUB -> zmq-monitor (process_events.hpp)

    // Tracker journal records (tracker_journal.hpp): state changes as stored.
    StoredCreateUser = 60,
    StoredOpenSession = 61,
    StoredCloseSession = 62,
    // 63 was StoredShareFile, never used: shares are journaled as the
    // node's ShareFile request itself. Do not reuse the number.
    JournalEntry = 64,  // a command with the node request that caused it (idempotency key)

    // Tracker <-> tracker replication (replication_protocol.hpp).
    PeerStatus = 70,
    SyncRequest = 71,
    SyncSnapshot = 72,
    SyncRecord = 73,
    SyncAck = 74,
};

std::string_view kind_name(Kind k);

}  // namespace p2p
