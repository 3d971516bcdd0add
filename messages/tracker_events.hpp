#pragma once
// Tracker events. Two frames: [topic][envelope(TrackerEvent, request_id 0)],
// sent to the sessions of the people they concern (on each node's own
// connection, where replies are one frame) and on the PUB socket for
// operators' monitors.
// Topics: "group.G" for everything about group G (join requested, member
// joined/left, owner changed, group deleted, file added/removed) and
// "user.U" for what concerns user U alone (their request accepted/rejected).
#include <string>

#include <msgpack.hpp>

#include "messages/kind.hpp"

namespace p2p::msg {

namespace event {
inline constexpr const char* kJoinRequested = "join_requested";
inline constexpr const char* kMemberJoined = "member_joined";
inline constexpr const char* kMemberLeft = "member_left";
inline constexpr const char* kOwnerChanged = "owner_changed";
inline constexpr const char* kGroupDeleted = "group_deleted";
inline constexpr const char* kRequestAccepted = "request_accepted";
inline constexpr const char* kRequestRejected = "request_rejected";
inline constexpr const char* kRequestCancelled = "request_cancelled";
inline constexpr const char* kFileAdded = "file_added";      // user: who shared it; file: its name
inline constexpr const char* kFileRemoved = "file_removed";  // its last sharer stopped or left
// Sources of a file that stays: user started serving it (a downloader
// serves its verified pieces at once: partial), now has all of it, stopped
// (stop_share, or left the group). A new source with the whole file is
// announced as added, then completed. Whether a source is online follows
// its session and is not an event.
inline constexpr const char* kSourceAdded = "source_added";
inline constexpr const char* kSourceCompleted = "source_completed";
inline constexpr const char* kSourceRemoved = "source_removed";
}  // namespace event

struct TrackerEvent {
    static constexpr Kind kind = Kind::TrackerEvent;
    std::string type;   // one of event::k*
    std::string group;
    std::string user;   // whom it is about
    std::string by;     // who caused it, when not the user
    std::string file{};  // the file's name, for file_added / file_removed (the {} lets others omit it)
    MSGPACK_DEFINE_MAP(type, group, user, by, file);
};

inline std::string group_topic(const std::string& group) { return "group." + group; }
inline std::string user_topic(const std::string& user) { return "user." + user; }

}  // namespace p2p::msg
