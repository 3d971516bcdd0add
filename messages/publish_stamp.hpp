#pragma once
// Sequence numbers on published events, so that a subscriber can tell a lost
// event from a quiet publisher, and a restarted publisher from a gap.
//
// Wire format: every message a publisher sends on a PUB socket is an envelope
// [kind, request_id, body] (envelope.hpp) in which request_id, unused for
// events, carries the stamp:
//
//   request_id = epoch << 32 | seq
//
// epoch: random per run of the publishing process, never 0 (a restart is a
//        new epoch, whatever seq the new run has reached when a subscriber
//        first hears it);
// seq:   1, 2, 3, ... per publisher (one counter over all topics), so a
//        subscriber that takes every topic sees a gap as a jump.
//
// request_id 0 means "not stamped" (an older publisher). The stamp lives in
// the envelope and not in an extra frame so that subscribers which expect
// exactly [topic][envelope] (nodes) keep working unchanged.
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/result.hpp"

namespace p2p::msg {

struct PublishStamp {
    uint32_t epoch = 0;
    uint32_t seq = 0;
    bool stamped() const { return epoch != 0; }
};

inline uint64_t pack_stamp(PublishStamp s) { return (static_cast<uint64_t>(s.epoch) << 32) | s.seq; }
inline PublishStamp unpack_stamp(uint64_t request_id) {
    return PublishStamp{static_cast<uint32_t>(request_id >> 32), static_cast<uint32_t>(request_id)};
}

// One publisher's counter: a fresh random epoch, seq from 1.
class PublishSequence {
public:
    PublishSequence();
    PublishStamp next();
    uint32_t epoch() const { return epoch_; }

private:
    uint32_t epoch_;
    uint32_t seq_ = 0;
};

// The same envelope with request_id replaced by the stamp; a Failure when the
// bytes are not an envelope (then the caller sends them as they are).
Result<std::string> restamp(std::string_view envelope, PublishStamp stamp);

}  // namespace p2p::msg
