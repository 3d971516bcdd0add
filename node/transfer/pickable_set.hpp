#pragma once
// The pieces the picker may hand out fresh: missing, with no request in
// flight. They are bucketed by availability (bucket a holds the pieces that
// exactly a connected peers have); each bucket is an unordered vector and each
// piece records its slot, so a change of availability, a request or a
// verification moves one piece in O(1).
//
// Why buckets rather than scanning the missing set on every pick: a scan costs
// O(missing pieces) per pick, 200k for a 100 GiB file, several times for every
// piece delivered. Walking buckets from the rarest, a pick from a seed costs
// O(max); from a partial seeder, O(the rarer pickable pieces it lacks), the
// price libtorrent's picker pays too. Bucket 0 (nobody has the piece) is never
// walked. Memory: 12 bytes a piece.
//
// Ties: a bucket's order is arbitrary, so rarest() walks it in random order (a
// partial Fisher-Yates, in place) and stops once it has enough. What it takes
// is then a uniform sample of the bucket's pieces the peer has, and costs
// nothing beyond the pieces it looked at.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "node/transfer/bitfield.hpp"
#include "node/transfer/piece_index.hpp"

namespace p2p::transfer {

// Uniform in [0, n) for n > 0; the caller's generator, so runs replay.
using RandomBelow = std::function<std::size_t(std::size_t)>;

class PickableSet {
public:
    explicit PickableSet(std::size_t num_pieces);

    bool contains(PieceIndex piece) const;
    void insert(PieceIndex piece, std::uint32_t availability);
    void erase(PieceIndex piece);
    // No-op for a piece not in the set: its bucket is found when it returns.
    void availability_changed(PieceIndex piece, std::uint32_t availability);

    std::size_t size() const { return size_; }
    // Pickable pieces that some connected peer has: zero means only racing
    // requests already in flight is left (endgame).
    std::size_t num_available() const { return size_ - buckets_[0].size(); }

    // Up to max pieces that `among` has, rarest first, ties at random. Leaves
    // them in the set: the caller erases what it actually requests.
    std::vector<PieceIndex> rarest(const Bitfield& among, std::size_t max,
                                   const RandomBelow& random_below);

    // Throws std::logic_error unless every piece sits in the bucket of its
    // availability at the slot it records, and size() is the buckets' total.
    void check_invariants(const std::vector<std::uint32_t>& availability) const;

private:
    struct Slot {
        std::uint32_t bucket;
        std::uint32_t index;  // kAbsent when not pickable
    };
    static constexpr std::uint32_t kAbsent = UINT32_MAX;

    void place(std::uint32_t piece, std::uint32_t bucket);
    void swap_slots(std::vector<std::uint32_t>& bucket, std::size_t i, std::size_t j);

    std::vector<Slot> slots_;
    std::vector<std::vector<std::uint32_t>> buckets_;
    std::size_t size_ = 0;
};

}  // namespace p2p::transfer
