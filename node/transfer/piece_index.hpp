#pragma once
// Strong types for the data plane. A piece number and a peer handle are both
// small integers; keeping PieceIndex distinct stops one being passed for the
// other (libtorrent's piece_index_t, for the same reason).
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace p2p::transfer {

struct PieceIndex {
    std::uint32_t value = 0;

    auto operator<=>(const PieceIndex&) const = default;
};

// The downloads manager's local handle for a source; it means nothing on the
// wire and is never reused while the picker still knows the peer.
using PeerId = std::uint32_t;

}  // namespace p2p::transfer

template <>
struct std::hash<p2p::transfer::PieceIndex> {
    std::size_t operator()(p2p::transfer::PieceIndex p) const noexcept {
        return std::hash<std::uint32_t>{}(p.value);
    }
};
