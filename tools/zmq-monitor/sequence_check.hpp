#pragma once
// Gap and restart detection for one publisher, from the stamps its events
// carry (messages/publish_stamp.hpp). Pure, so every case is a unit test.
//
// - The first stamped event says nothing: what came before we joined is not
//   ours to count (PUB/SUB has no history).
// - Same epoch, seq jumps by more than one: a gap of the missing count.
// - Another epoch: the publisher restarted; never a gap, whatever seq the
//   new run has reached when we hear it.
// - Same epoch, seq not increasing: only a 2^32 wrap or a bug can do that;
//   counted as a restart so that no bogus gap is printed.
// - Unstamped events (request_id 0, an older publisher) are ignored.
#include <cstdint>

#include "messages/publish_stamp.hpp"

namespace p2p::monitor {

struct SeqNote {
    enum class Kind { None, Gap, Restarted };
    Kind kind = Kind::None;
    uint64_t lost = 0;  // for Gap
};

class SequenceCheck {
public:
    // count_gaps false: we subscribe to some topics only, so the publisher's
    // one counter jumps over what we filtered out; only restarts are shown.
    explicit SequenceCheck(bool count_gaps = true) : count_gaps_(count_gaps) {}

    SeqNote observe(msg::PublishStamp stamp);

    uint64_t lost() const { return lost_; }          // sum of every gap
    uint64_t restarts() const { return restarts_; }

private:
    bool count_gaps_;
    msg::PublishStamp last_{};  // epoch 0: nothing stamped seen yet
    uint64_t lost_ = 0;
    uint64_t restarts_ = 0;
};

}  // namespace p2p::monitor
