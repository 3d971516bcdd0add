// PiecePicker::check_invariants: recomputes from scratch what the picker keeps
// incrementally. Apart from the picker so the hot paths stay short to read.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "node/transfer/piece_picker.hpp"

namespace p2p::transfer {

void PiecePicker::check_invariants() const {
    auto fail = [](const std::string& what) { throw std::logic_error("piece picker: " + what); };
    auto piece_name = [](std::uint32_t p) { return "piece " + std::to_string(p); };
    const std::size_t n = num_pieces();

    if (num_have_ != have_.count()) fail("num_have does not match the have bitfield");
    if (availability_.size() != n) fail("availability has the wrong size");

    std::vector<std::uint32_t> availability(n, 0);
    std::unordered_map<std::uint32_t, std::vector<PeerId>> in_flight;
    for (const auto& [id, peer] : peers_) {
        if (peer.pieces.size() != n) fail("a peer's bitfield has the wrong size");
        peer.pieces.for_each_set([&](PieceIndex p) { ++availability[p.value]; });
        std::unordered_set<std::uint32_t> seen;
        for (PieceIndex p : peer.requests) {
            if (p.value >= n) fail("a request past the end");
            if (!seen.insert(p.value).second) fail(piece_name(p.value) + " requested twice from one peer");
            if (!peer.pieces.test(p)) fail(piece_name(p.value) + " requested from a peer without it");
            if (have_.test(p)) fail(piece_name(p.value) + " requested though we have it");
            in_flight[p.value].push_back(id);
        }
    }
    for (std::size_t p = 0; p < n; ++p) {
        if (availability[p] != availability_[p])
            fail(piece_name(static_cast<std::uint32_t>(p)) + " availability " +
                 std::to_string(availability_[p]) + ", peers say " + std::to_string(availability[p]));
    }

    if (in_flight.size() != in_flight_.size()) fail("requested pieces do not match the peers' requests");
    for (const auto& [piece, requesters] : in_flight_) {
        auto it = in_flight.find(piece);
        if (it == in_flight.end() || requesters.empty())
            fail(piece_name(piece) + " in flight to nobody");
        auto kept = requesters;
        auto recomputed = it->second;
        std::sort(kept.begin(), kept.end());
        std::sort(recomputed.begin(), recomputed.end());
        if (kept != recomputed) fail(piece_name(piece) + " requesters do not match the peers' requests");
    }

    for (std::uint32_t p = 0; p < n; ++p) {
        const bool expect_pickable = !have_.test(PieceIndex{p}) && in_flight_.count(p) == 0;
        if (pickable_.contains(PieceIndex{p}) != expect_pickable)
            fail(piece_name(p) + (expect_pickable ? " should be pickable" : " should not be pickable"));
    }
    std::vector<std::uint32_t> ranks(n);
    for (std::uint32_t p = 0; p < n; ++p) ranks[p] = rank(PieceIndex{p});
    pickable_.check_invariants(ranks);
}

}  // namespace p2p::transfer
