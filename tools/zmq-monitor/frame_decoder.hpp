#pragma once
// What one multipart message from a tracker's PUB socket means. Pure: bytes
// in, a value out, so that every kind of garbage can be tested without a
// socket. Never throws on bad input.
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include <optional>

#include "messages/process_events.hpp"
#include "messages/publish_stamp.hpp"
#include "messages/tracker_events.hpp"

namespace p2p::monitor {

// A well-formed event: [topic][envelope(TrackerEvent, TrackerRole or ProcessEvent)].
// A ProcessEvent (a tracker's or node's --events PUB) comes in `process`,
// with `event` empty but for its type.
struct SeenEvent {
    std::string topic;
    msg::TrackerEvent event;
    msg::PublishStamp stamp{};  // the envelope's request_id (publish_stamp.hpp)
    std::optional<msg::ProcessEvent> process{};
};

// Anything else. topic is the first frame as sent (possibly empty or
// binary); bytes counts every frame, so a user can tell a truncated frame
// from a stray big one.
struct Undecodable {
    std::string topic;
    std::string reason;
    std::size_t bytes = 0;
    msg::PublishStamp stamp{};  // set when at least the envelope decoded
};

using Decoded = std::variant<SeenEvent, Undecodable>;

Decoded decode_frames(const std::vector<std::string>& frames);

}  // namespace p2p::monitor
