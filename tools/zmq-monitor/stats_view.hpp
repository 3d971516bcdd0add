#pragma once
// --stats: a summary of what the events say, redrawn about once a second at
// a terminal: each node's downloads (progress, rate, sources) and each
// file's swarm (who has it complete, who partly), plus the last few lines
// of other news. Pure: events in, text out, so it is unit-tested.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "tools/zmq-monitor/frame_decoder.hpp"

namespace p2p::monitor {

class StatsView {
public:
    void add(const SeenEvent& seen);
    // A line that is not a download (connections, gaps, tracker events):
    // the last few are shown under "recent".
    void note(const std::string& line);
    void count_lost(uint64_t n) { lost_ += n; }

    // The whole screen, without terminal control sequences.
    std::string render(const std::string& now_text) const;

private:
    struct Download {
        uint64_t done = 0, total = 0, rate = 0;
        uint32_t sources = 0;
        std::string state;  // fetching, finished, failed
    };
    using FileKey = std::pair<std::string, std::string>;  // group, file
    std::map<std::pair<std::string, FileKey>, Download> downloads_;  // (process, file)
    // Each file's sources as the tracker announces them: user -> complete.
    std::map<FileKey, std::map<std::string, bool>> sources_;
    std::deque<std::string> recent_;
    uint64_t events_ = 0;
    uint64_t lost_ = 0;
};

}  // namespace p2p::monitor
