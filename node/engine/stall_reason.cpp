#include "node/engine/stall_reason.hpp"

namespace p2p::node {

std::string stall_reason(const StallFacts& f, const std::string& previous) {
    const bool dropped_note = previous.rfind("dropped", 0) == 0;
    const bool stuck = f.sources == 0 || (f.known > 0 && !f.requesting);
    // A stuck download's only way out is a new source list, so a tracker
    // that does not give one is the reason, whatever else holds.
    if (stuck && !f.tracker_code.empty()) {
        if (f.tracker_code == "unreachable") return "waiting: tracker unreachable";
        return "waiting: the tracker gives no sources: " + f.tracker_text;
    }
    if (f.sources == 0) return dropped_note ? previous : "waiting: no source online";
    if (f.known == 0) return "connecting to " + std::to_string(f.sources) + " source(s)";
    if (!f.requesting) return "waiting: the sources online lack the missing pieces";
    return dropped_note ? previous : std::string();
}

}  // namespace p2p::node
