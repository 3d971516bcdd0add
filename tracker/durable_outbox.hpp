#pragma once
// Replies and events wait here until the journal has made durable every
// change they might reflect. A write's reply waits for its own record; a
// read's reply waits for the newest record at the time it was computed, so
// no client ever sees a change that a crash could still take back.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace p2p::tracker {

struct OutgoingEvent {
    std::string topic;
    std::string body;                     // the encoded event
    std::vector<std::string> recipients;  // routing ids of the sessions it concerns
};

struct OutgoingReply {
    std::string routing_id;  // empty: no reply (an internal command)
    std::string reply;
    std::vector<OutgoingEvent> events;
};

class DurableOutbox {
public:
    // Queues msg to go out once seq is durable. Returns true when it may go
    // out now (caller sends it), false when it was queued.
    bool hold(uint64_t needed_seq, OutgoingReply& msg) {
        if (needed_seq <= durable_ && waiting_.empty()) return true;
        waiting_.push_back({needed_seq, std::move(msg)});
        return false;
    }

    // Marks seq durable and returns what may now go out, in order.
    std::vector<OutgoingReply> release(uint64_t durable_seq) {
        durable_ = std::max(durable_, durable_seq);
        std::vector<OutgoingReply> out;
        while (!waiting_.empty() && waiting_.front().first <= durable_) {
            out.push_back(std::move(waiting_.front().second));
            waiting_.pop_front();
        }
        return out;
    }

    void set_durable(uint64_t seq) { durable_ = seq; }
    // A primary that steps down must not confirm writes the new primary may
    // not have: their nodes time out and ask again there.
    void drop_all() { waiting_.clear(); }
    uint64_t durable() const { return durable_; }
    std::size_t waiting() const { return waiting_.size(); }

private:
    uint64_t durable_ = 0;
    std::deque<std::pair<uint64_t, OutgoingReply>> waiting_;
};

}  // namespace p2p::tracker
