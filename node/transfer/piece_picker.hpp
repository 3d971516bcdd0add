#pragma once
// Which piece to request from which peer: rarest first with random
// tie-break, then endgame. A pure data structure after libtorrent's
// piece_picker, owned by the downloads manager: no sockets, clock, disk or
// threads; randomness comes from the caller's generator so runs replay.
//
// A piece is in exactly one of three states:
//   have       verified and stored (mark_have / on_piece_verified);
//   requested  missing, with requests in flight to one or more peers;
//   pickable   missing, nothing in flight (kept in a PickableSet, bucketed
//              by availability).
// Availability = connected peers that have the piece, kept incrementally.
// Pickable pieces sort by rank: availability, plus one for a piece a source
// says it already sent to another downloader (mark_elsewhere), so that a
// seeder's upload goes to pieces nobody is getting yet.
//
// Endgame: once no pickable piece is held by any connected peer, the only
// work left is what is already in flight, so pick() duplicates those
// requests to other peers (fewest duplicates first, never twice to one peer)
// and on_piece_verified() names the losers to cancel. Pieces nobody has do
// not hold endgame off: they cannot be requested anyway, and waiting for them
// would leave the last reachable pieces un-raced.
//
// Errors: an index that came from a peer (peer_gained) is checked and
// refused with `false`; misuse by the caller (unknown or duplicate peer, a
// bitfield of the wrong size, an index past the end elsewhere) throws
// std::logic_error / std::out_of_range.
#include <cstddef>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include "node/transfer/bitfield.hpp"
#include "node/transfer/pickable_set.hpp"
#include "node/transfer/piece_index.hpp"

namespace p2p::transfer {

class PiecePicker {
public:
    explicit PiecePicker(std::size_t num_pieces);

    // --- what we have --------------------------------------------------
    // Verified outside the wire (a resume record, a local re-check). Returns
    // the peers that had a request in flight for it, all to be cancelled.
    std::vector<PeerId> mark_have(PieceIndex piece);
    bool have(PieceIndex piece) const { return have_.test(piece); }
    const Bitfield& have_bitfield() const { return have_; }
    std::size_t num_have() const { return num_have_; }
    std::size_t num_pieces() const { return have_.size(); }
    bool is_complete() const { return num_have_ == num_pieces(); }

    // --- peers ----------------------------------------------------------
    void add_peer(PeerId peer, const Bitfield& pieces);
    // A partial seeder announced a piece. False (and nothing changes) for an
    // index past the end: peer input, to be counted and dropped.
    bool peer_gained(PeerId peer, PieceIndex piece);
    // Forgets the peer and lowers availability. Returns every piece that was
    // in flight to it; those with no other request become pickable again.
    // An unknown peer is a no-op.
    std::vector<PieceIndex> remove_peer(PeerId peer);
    bool has_peer(PeerId peer) const { return peers_.count(peer) != 0; }
    // A source says it has already sent this piece to some downloader
    // (HaveReply::sent): that one has it, or soon will, and can pass it on.
    // Such a piece is picked after the equally rare ones nobody is getting
    // yet, as if one more peer had it; it is never made pickable by this
    // alone. Sticky. False for an index past the end (peer input).
    bool mark_elsewhere(PieceIndex piece);
    std::size_t num_peers() const { return peers_.size(); }

    // --- picking --------------------------------------------------------
    // Up to max pieces to request from peer, now marked requested by it.
    // Fresh pieces first: ones the peer has, we lack, nobody was asked for;
    // rarest first, ties uniformly at random. If that leaves the swarm in
    // endgame, the rest are duplicates of requests in flight to other peers.
    template <class Rng>
    std::vector<PieceIndex> pick(PeerId peer, std::size_t max, Rng& rng) {
        const RandomBelow random_below = [&rng](std::size_t n) {
            return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
        };
        return pick_with(peer, max, random_below);
    }
    // pick() for a caller that brings its own draw, e.g. to count draws (the
    // cost model the benchmark prints). Kept out of line so the template
    // above stays a one-liner.
    std::vector<PieceIndex> pick_with(PeerId peer, std::size_t max,
                                      const RandomBelow& random_below);
    bool in_endgame() const;

    // --- outcomes -------------------------------------------------------
    // `from` delivered the piece and it hashed right: we have it. Returns the
    // other peers with a request for it in flight (send them a cancel); all
    // its requests are cleared. Already had: returns nothing.
    std::vector<PeerId> on_piece_verified(PeerId from, PieceIndex piece);
    // The request to peer failed (bad hash, timeout, reject): it is dropped
    // and, if it was the last, the piece is pickable again (from any peer,
    // this one included; dropping bad peers is the caller's call). False if
    // there was no such request, e.g. a timeout racing a verification.
    bool on_piece_failed(PeerId peer, PieceIndex piece);

    // --- inspection -----------------------------------------------------
    // In the order they were picked; valid until the next change. Empty for
    // an unknown peer.
    const std::vector<PieceIndex>& requests_of(PeerId peer) const;
    std::vector<PeerId> requesters_of(PieceIndex piece) const;
    // Distinct pieces with at least one request in flight.
    std::size_t num_requested() const { return in_flight_.size(); }
    std::uint32_t availability(PieceIndex piece) const { return availability_.at(piece.value); }
    // What pick() sorts by: availability, +1 when sent elsewhere; 0 only
    // when no connected peer has the piece.
    std::uint32_t rank(PieceIndex piece) const;

    // Recomputes every counter and index from the peers' bitfields and
    // requests; throws std::logic_error naming the first mismatch. O(pieces x
    // peers): for tests, after every operation.
    void check_invariants() const;

private:
    struct Peer {
        Bitfield pieces;
        std::vector<PieceIndex> requests;
    };

    Peer& peer_or_throw(PeerId peer);
    void check_index(PieceIndex piece) const;
    void add_request(PeerId peer, Peer& state, PieceIndex piece);
    // Drops peer's request; the piece turns pickable if it was the last.
    void drop_request(PeerId peer, Peer& state, PieceIndex piece);
    std::vector<PieceIndex> pick_duplicates(PeerId peer, const Peer& state, std::size_t max,
                                            const RandomBelow& random_below) const;

    Bitfield have_;
    std::size_t num_have_ = 0;
    std::vector<std::uint32_t> availability_;
    Bitfield elsewhere_;  // mark_elsewhere
    PickableSet pickable_;
    // piece -> peers it is requested from. Small: bounded by the request
    // windows, not the file, so endgame scans it rather than the pieces.
    std::unordered_map<std::uint32_t, std::vector<PeerId>> in_flight_;
    std::unordered_map<PeerId, Peer> peers_;
};

}  // namespace p2p::transfer
