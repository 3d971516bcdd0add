#include "node/engine/download.hpp"

#include <cstdio>

namespace p2p::node {

std::size_t Download::requests_in_flight() const {
    std::size_t total = 0;
    for (const auto& [id, s] : sources) total += s.in_flight.size();
    return total;
}

uint64_t Download::bytes_have() const {
    uint64_t total = 0;
    const auto n = meta.piece_hashes.size();
    const auto& have = picker.have_bitfield();
    if (n == 0) return 0;
    // All full pieces but perhaps the last.
    total = uint64_t{have.count()} * meta.piece_size;
    if (have.test(transfer::PieceIndex{static_cast<uint32_t>(n - 1)})) {
        total -= meta.piece_size - files::piece_length(meta, n - 1);
    }
    return total;
}

double Download::rate_bytes_per_s(SteadyClock::time_point now) const {
    if (phase == DownloadPhase::Done) {
        const double secs = std::chrono::duration<double>(finished - started).count();
        return secs > 0 ? static_cast<double>(meta.size - bytes_done_at_start) / secs : 0;
    }
    if (phase == DownloadPhase::Failed || rate_samples.size() < 2) return 0;
    const auto& [t0, b0] = rate_samples.front();
    const auto& [t1, b1] = rate_samples.back();
    if (now - t1 > std::chrono::seconds(2)) return 0;
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    return secs > 0 ? static_cast<double>(b1 - b0) / secs : 0;
}

namespace {
std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
}  // namespace

std::string Download::status_line(SteadyClock::time_point now) const {
    const bool done = phase == DownloadPhase::Done;
    const double pct = meta.size == 0 ? 100.0 : 100.0 * static_cast<double>(bytes_have()) / static_cast<double>(meta.size);
    std::size_t live = 0;
    for (const auto& [id, s] : sources) live += s.known ? 1 : 0;
    std::string line = std::string(done ? "[C] [" : "[D] [") + group + "] " + meta.name + " " + fixed(pct, 1) + "% " +
                       fixed(rate_bytes_per_s(now) / 1e6, 1) + " MB/s" + (done ? " avg" : "") +
                       " sources=" + std::to_string(live) + " fetched=" + std::to_string(pieces_fetched) +
                       " resumed=" + std::to_string(resumed_pieces);
    if (done) {
        const double fetch = std::chrono::duration<double>(fetched_at - started).count();
        const double check = std::chrono::duration<double>(finished - fetched_at).count();
        return line + " -> " + final_path + " (fetched in " + fixed(fetch, 2) + " s, checked in " + fixed(check, 2) + " s)";
    }
    if (phase == DownloadPhase::Checking) return line + " (checking the whole file)";
    if (phase == DownloadPhase::Proving) {
        return line + " (the machine restarted since these pieces were written: reading back " +
               std::to_string(pieces_listed()) + ", " + std::to_string(resumed_pieces) + " intact, " +
               std::to_string(prove_damaged) + " damaged so far)";
    }
    if (phase == DownloadPhase::Failed) return line + " (failed: " + problem + ")";
    if (!problem.empty()) line += " (" + problem + ")";
    return line;
}

}  // namespace p2p::node
