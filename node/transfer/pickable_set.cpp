#include "node/transfer/pickable_set.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace p2p::transfer {

PickableSet::PickableSet(std::size_t num_pieces)
    : slots_(num_pieces, Slot{0, kAbsent}), buckets_(1) {}

bool PickableSet::contains(PieceIndex piece) const {
    return slots_.at(piece.value).index != kAbsent;
}

void PickableSet::place(std::uint32_t piece, std::uint32_t bucket) {
    if (bucket >= buckets_.size()) buckets_.resize(std::size_t{bucket} + 1);
    auto& b = buckets_[bucket];
    slots_[piece] = Slot{bucket, static_cast<std::uint32_t>(b.size())};
    b.push_back(piece);
}

void PickableSet::insert(PieceIndex piece, std::uint32_t availability) {
    if (contains(piece)) throw std::logic_error("pickable set: piece inserted twice");
    place(piece.value, availability);
    ++size_;
}

void PickableSet::erase(PieceIndex piece) {
    if (!contains(piece)) throw std::logic_error("pickable set: erasing an absent piece");
    auto& slot = slots_[piece.value];
    auto& b = buckets_[slot.bucket];
    // Swap-remove: order within a bucket carries no meaning (see rarest()).
    const std::uint32_t last = b.back();
    b[slot.index] = last;
    slots_[last].index = slot.index;
    b.pop_back();
    slot.index = kAbsent;
    --size_;
}

void PickableSet::availability_changed(PieceIndex piece, std::uint32_t availability) {
    if (!contains(piece) || slots_[piece.value].bucket == availability) return;
    erase(piece);
    insert(piece, availability);
}

void PickableSet::swap_slots(std::vector<std::uint32_t>& bucket, std::size_t i, std::size_t j) {
    std::swap(bucket[i], bucket[j]);
    slots_[bucket[i]].index = static_cast<std::uint32_t>(i);
    slots_[bucket[j]].index = static_cast<std::uint32_t>(j);
}

std::vector<PieceIndex> PickableSet::rarest(const Bitfield& among, std::size_t max,
                                            const RandomBelow& random_below) {
    std::vector<PieceIndex> out;
    for (std::size_t a = 1; a < buckets_.size() && out.size() < max; ++a) {
        auto& b = buckets_[a];
        for (std::size_t i = 0; i < b.size() && out.size() < max; ++i) {
            swap_slots(b, i, i + random_below(b.size() - i));
            if (among.test(PieceIndex{b[i]})) out.push_back(PieceIndex{b[i]});
        }
    }
    return out;
}

void PickableSet::check_invariants(const std::vector<std::uint32_t>& availability) const {
    auto fail = [](const std::string& what) { throw std::logic_error("pickable set: " + what); };
    std::size_t total = 0;
    for (std::size_t a = 0; a < buckets_.size(); ++a) {
        for (std::size_t i = 0; i < buckets_[a].size(); ++i) {
            const std::uint32_t p = buckets_[a][i];
            if (p >= slots_.size()) fail("bucket holds a piece past the end");
            if (slots_[p].bucket != a || slots_[p].index != i)
                fail("piece " + std::to_string(p) + " is not where its slot says");
            if (availability[p] != a)
                fail("piece " + std::to_string(p) + " is in bucket " + std::to_string(a) +
                     " but its availability is " + std::to_string(availability[p]));
        }
        total += buckets_[a].size();
    }
    if (total != size_) fail("size is not the buckets' total");
    std::size_t present = 0;
    for (const auto& s : slots_) present += s.index != kAbsent;
    if (present != size_) fail("slots marked present do not match size");
}

}  // namespace p2p::transfer
