#include "node/transfer/piece_picker.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace p2p::transfer {

namespace {

template <class T>
void erase_value(std::vector<T>& v, const T& value) {
    if (auto it = std::find(v.begin(), v.end(), value); it != v.end()) v.erase(it);
}

}  // namespace

PiecePicker::PiecePicker(std::size_t num_pieces)
    : have_(num_pieces), availability_(num_pieces, 0), elsewhere_(num_pieces), pickable_(num_pieces) {
    for (std::uint32_t p = 0; p < num_pieces; ++p) pickable_.insert(PieceIndex{p}, 0);
}

void PiecePicker::check_index(PieceIndex piece) const {
    if (piece.value >= num_pieces()) throw std::out_of_range("piece picker: piece index past the end");
}

PiecePicker::Peer& PiecePicker::peer_or_throw(PeerId peer) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) throw std::logic_error("piece picker: unknown peer");
    return it->second;
}

std::vector<PeerId> PiecePicker::mark_have(PieceIndex piece) {
    check_index(piece);
    if (have_.test(piece)) return {};
    std::vector<PeerId> requesters;
    if (auto it = in_flight_.find(piece.value); it != in_flight_.end()) {
        requesters = std::move(it->second);
        in_flight_.erase(it);
        for (PeerId r : requesters) erase_value(peers_.at(r).requests, piece);
    } else {
        pickable_.erase(piece);
    }
    have_.set(piece);
    ++num_have_;
    return requesters;
}

std::vector<PeerId> PiecePicker::on_piece_verified(PeerId from, PieceIndex piece) {
    auto losers = mark_have(piece);
    erase_value(losers, from);
    return losers;
}

void PiecePicker::add_peer(PeerId peer, const Bitfield& pieces) {
    if (has_peer(peer)) throw std::logic_error("piece picker: peer added twice");
    if (pieces.size() != num_pieces())
        throw std::logic_error("piece picker: peer bitfield of the wrong size");
    peers_.emplace(peer, Peer{pieces, {}});
    pieces.for_each_set([&](PieceIndex p) {
        ++availability_[p.value];
        pickable_.availability_changed(p, rank(p));
    });
}

bool PiecePicker::peer_gained(PeerId peer, PieceIndex piece) {
    auto& state = peer_or_throw(peer);
    if (piece.value >= num_pieces()) return false;
    if (state.pieces.test(piece)) return true;  // announced twice: harmless
    state.pieces.set(piece);
    ++availability_[piece.value];
    pickable_.availability_changed(piece, rank(piece));
    return true;
}

bool PiecePicker::mark_elsewhere(PieceIndex piece) {
    if (piece.value >= num_pieces()) return false;
    if (elsewhere_.test(piece)) return true;
    elsewhere_.set(piece);
    pickable_.availability_changed(piece, rank(piece));
    return true;
}

std::uint32_t PiecePicker::rank(PieceIndex piece) const {
    const std::uint32_t a = availability_[piece.value];
    // 0 stays 0: the bucket of pieces no connected peer has, which endgame
    // and pick() rely on.
    return a == 0 ? 0 : a + (elsewhere_.test(piece) ? 1 : 0);
}

std::vector<PieceIndex> PiecePicker::remove_peer(PeerId peer) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) return {};
    Peer& state = it->second;
    std::vector<PieceIndex> released = state.requests;
    for (PieceIndex p : released) drop_request(peer, state, p);
    state.pieces.for_each_set([&](PieceIndex p) {
        --availability_[p.value];
        pickable_.availability_changed(p, rank(p));
    });
    peers_.erase(it);
    return released;
}

void PiecePicker::add_request(PeerId peer, Peer& state, PieceIndex piece) {
    if (pickable_.contains(piece)) pickable_.erase(piece);
    in_flight_[piece.value].push_back(peer);
    state.requests.push_back(piece);
}

void PiecePicker::drop_request(PeerId peer, Peer& state, PieceIndex piece) {
    erase_value(state.requests, piece);
    auto it = in_flight_.find(piece.value);
    erase_value(it->second, peer);
    if (it->second.empty()) {
        in_flight_.erase(it);
        pickable_.insert(piece, rank(piece));
    }
}

bool PiecePicker::on_piece_failed(PeerId peer, PieceIndex piece) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) return false;
    auto& requests = it->second.requests;
    if (std::find(requests.begin(), requests.end(), piece) == requests.end()) return false;
    drop_request(peer, it->second, piece);
    return true;
}

bool PiecePicker::in_endgame() const {
    return !is_complete() && pickable_.num_available() == 0 && !in_flight_.empty();
}

std::vector<PieceIndex> PiecePicker::pick_with(PeerId peer, std::size_t max,
                                               const RandomBelow& random_below) {
    Peer& state = peer_or_throw(peer);
    std::vector<PieceIndex> picks = pickable_.rarest(state.pieces, max, random_below);
    for (PieceIndex p : picks) add_request(peer, state, p);
    // The fresh picks may just have used up the last fresh pieces; the rest
    // of this peer's window is better spent racing than left idle.
    if (picks.size() < max && in_endgame()) {
        for (PieceIndex p : pick_duplicates(peer, state, max - picks.size(), random_below)) {
            add_request(peer, state, p);
            picks.push_back(p);
        }
    }
    return picks;
}

std::vector<PieceIndex> PiecePicker::pick_duplicates(PeerId peer, const Peer& state,
                                                     std::size_t max,
                                                     const RandomBelow& random_below) const {
    // (duplicates already out, piece); sorted, so the hash map's order never
    // leaks into the result and a seeded run replays exactly.
    std::vector<std::pair<std::size_t, std::uint32_t>> candidates;
    for (const auto& [piece, requesters] : in_flight_) {
        if (!state.pieces.test(PieceIndex{piece})) continue;
        if (std::find(requesters.begin(), requesters.end(), peer) != requesters.end()) continue;
        candidates.emplace_back(requesters.size(), piece);
    }
    std::sort(candidates.begin(), candidates.end());
    for (std::size_t begin = 0; begin < candidates.size() && begin < max;) {
        std::size_t end = begin;
        while (end < candidates.size() && candidates[end].first == candidates[begin].first) ++end;
        for (std::size_t k = begin; k < end; ++k)
            std::swap(candidates[k], candidates[k + random_below(end - k)]);
        begin = end;
    }
    std::vector<PieceIndex> out;
    for (std::size_t i = 0; i < candidates.size() && i < max; ++i)
        out.push_back(PieceIndex{candidates[i].second});
    return out;
}

const std::vector<PieceIndex>& PiecePicker::requests_of(PeerId peer) const {
    static const std::vector<PieceIndex> none;
    auto it = peers_.find(peer);
    return it == peers_.end() ? none : it->second.requests;
}

std::vector<PeerId> PiecePicker::requesters_of(PieceIndex piece) const {
    check_index(piece);
    auto it = in_flight_.find(piece.value);
    return it == in_flight_.end() ? std::vector<PeerId>{} : it->second;
}

}  // namespace p2p::transfer
