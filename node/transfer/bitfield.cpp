#include "node/transfer/bitfield.hpp"

#include <stdexcept>

namespace p2p::transfer {

namespace {

// Our words keep piece 8k+0 in the low bit of each byte; the wire keeps it in
// the high bit.
constexpr std::uint8_t reverse_bits(std::uint8_t b) {
    b = static_cast<std::uint8_t>((b & 0xF0) >> 4 | (b & 0x0F) << 4);
    b = static_cast<std::uint8_t>((b & 0xCC) >> 2 | (b & 0x33) << 2);
    b = static_cast<std::uint8_t>((b & 0xAA) >> 1 | (b & 0x55) << 1);
    return b;
}

std::size_t byte_count(std::size_t n) { return (n + 7) / 8; }

std::size_t checked_size(std::size_t n) {
    if (n > UINT32_MAX) throw std::length_error("bitfield: more pieces than PieceIndex can name");
    return n;
}

}  // namespace

Bitfield::Bitfield(std::size_t n)
    : n_(checked_size(n)), words_((n + kWordBits - 1) / kWordBits, 0) {}

std::uint64_t Bitfield::used_mask(std::size_t word) const {
    const std::size_t used = n_ - word * kWordBits;
    return used >= kWordBits ? ~std::uint64_t{0} : (std::uint64_t{1} << used) - 1;
}

bool Bitfield::test(PieceIndex piece) const {
    if (piece.value >= n_) throw std::out_of_range("bitfield: piece index past the end");
    return (words_[piece.value / kWordBits] >> (piece.value % kWordBits)) & 1U;
}

void Bitfield::set(PieceIndex piece) {
    if (piece.value >= n_) throw std::out_of_range("bitfield: piece index past the end");
    words_[piece.value / kWordBits] |= std::uint64_t{1} << (piece.value % kWordBits);
}

void Bitfield::reset(PieceIndex piece) {
    if (piece.value >= n_) throw std::out_of_range("bitfield: piece index past the end");
    words_[piece.value / kWordBits] &= ~(std::uint64_t{1} << (piece.value % kWordBits));
}

void Bitfield::set_all() {
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] = used_mask(w);
}

std::size_t Bitfield::count() const {
    std::size_t total = 0;
    for (auto w : words_) total += static_cast<std::size_t>(std::popcount(w));
    return total;
}

std::string Bitfield::to_bytes() const {
    std::string out(byte_count(n_), '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto low_first = static_cast<std::uint8_t>(words_[i / 8] >> (i % 8 * 8));
        out[i] = static_cast<char>(reverse_bits(low_first));
    }
    return out;
}

std::optional<Bitfield> Bitfield::from_bytes(std::string_view bytes, std::size_t n) {
    if (n > UINT32_MAX || bytes.size() != byte_count(n)) return std::nullopt;
    Bitfield bf(n);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto low_first = reverse_bits(static_cast<std::uint8_t>(bytes[i]));
        bf.words_[i / 8] |= std::uint64_t{low_first} << (i % 8 * 8);
    }
    // A set padding bit is a peer claiming a piece that does not exist.
    if (!bf.words_.empty() && (bf.words_.back() & ~bf.used_mask(bf.words_.size() - 1)) != 0)
        return std::nullopt;
    return bf;
}

std::string Bitfield::to_string() const {
    std::string out(n_, '0');
    for_each_set([&](PieceIndex p) { out[p.value] = '1'; });
    return out;
}

std::optional<Bitfield> Bitfield::from_string(std::string_view bits) {
    Bitfield bf(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (bits[i] == '1')
            bf.set(PieceIndex{static_cast<std::uint32_t>(i)});
        else if (bits[i] != '0')
            return std::nullopt;
    }
    return bf;
}

std::vector<PieceIndex> Bitfield::missing() const {
    std::vector<PieceIndex> out;
    out.reserve(n_ - count());
    for_each_missing([&](PieceIndex p) { out.push_back(p); });
    return out;
}

}  // namespace p2p::transfer
