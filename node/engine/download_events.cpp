#include "node/engine/download_events.hpp"

namespace p2p::node {

msg::ProcessEvent download_event(const Download& d, const char* type, const std::string& process,
                                 SteadyClock::time_point now, const std::string& detail) {
    msg::ProcessEvent e;
    e.type = type;
    e.process = process;
    e.group = d.group;
    e.file = d.meta.name;
    e.detail = detail;
    e.pieces_done = d.picker.num_have();
    e.pieces_total = d.meta.piece_hashes.size();
    e.rate = static_cast<uint64_t>(d.rate_bytes_per_s(now));
    e.sources = static_cast<uint32_t>(d.sources.size());
    return e;
}

}  // namespace p2p::node
