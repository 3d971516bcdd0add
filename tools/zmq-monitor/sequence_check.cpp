#include "tools/zmq-monitor/sequence_check.hpp"

namespace p2p::monitor {

SeqNote SequenceCheck::observe(msg::PublishStamp stamp) {
    if (!stamp.stamped()) return {};
    const msg::PublishStamp last = last_;
    last_ = stamp;
    if (!last.stamped()) return {};
    if (stamp.epoch != last.epoch || stamp.seq <= last.seq) {
        ++restarts_;
        return {SeqNote::Kind::Restarted, 0};
    }
    const uint64_t missing = stamp.seq - last.seq - 1;
    if (missing == 0 || !count_gaps_) return {};
    lost_ += missing;
    return {SeqNote::Kind::Gap, missing};
}

}  // namespace p2p::monitor
