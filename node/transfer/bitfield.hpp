#pragma once
// Which pieces someone has: ours, or a peer's as announced on the wire.
// Bits live in 64-bit words (bit i of the file in word i/64, bit i%64) so
// count and iteration go a word at a time; the wire form is BitTorrent's
// (piece 0 in the high bit of byte 0, padding bits zero). Bits past size()
// are always zero, which count() and all() rely on.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/transfer/piece_index.hpp"

namespace p2p::transfer {

class Bitfield {
public:
    Bitfield() = default;
    explicit Bitfield(std::size_t n);

    // Index past size() throws std::out_of_range: the caller's bug, since
    // indices from peers are checked before they get here.
    bool test(PieceIndex piece) const;
    void set(PieceIndex piece);
    void reset(PieceIndex piece);
    void set_all();

    std::size_t size() const { return n_; }
    std::size_t count() const;
    bool all() const { return count() == n_; }
    bool none() const { return count() == 0; }

    // Wire form: ceil(n/8) bytes, MSB first.
    std::string to_bytes() const;
    // Peer input: nullopt unless exactly ceil(n/8) bytes with zero padding.
    static std::optional<Bitfield> from_bytes(std::string_view bytes, std::size_t n);

    // "1101..." for tests and logs; from_string accepts only '0' and '1'.
    std::string to_string() const;
    static std::optional<Bitfield> from_string(std::string_view bits);

    template <class F>
    void for_each_set(F&& f) const {
        for (std::size_t w = 0; w < words_.size(); ++w) visit_bits(w, words_[w], f);
    }
    // The pieces not set, e.g. what we still have to download.
    template <class F>
    void for_each_missing(F&& f) const {
        for (std::size_t w = 0; w < words_.size(); ++w) visit_bits(w, ~words_[w] & used_mask(w), f);
    }
    std::vector<PieceIndex> missing() const;

    bool operator==(const Bitfield&) const = default;

private:
    static constexpr std::size_t kWordBits = 64;

    std::uint64_t used_mask(std::size_t word) const;

    template <class F>
    static void visit_bits(std::size_t word, std::uint64_t bits, F& f) {
        while (bits != 0) {
            const auto bit = static_cast<std::uint32_t>(std::countr_zero(bits));
            f(PieceIndex{static_cast<std::uint32_t>(word * kWordBits) + bit});
            bits &= bits - 1;
        }
    }

    std::size_t n_ = 0;
    std::vector<std::uint64_t> words_;
};

}  // namespace p2p::transfer
