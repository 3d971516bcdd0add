#pragma once
// Picker state from compact strings, after libtorrent's test_piece_picker:
//
//   auto s = setup_picker("2223333", "* *    ");
//
// gives seven pieces, the first three held by two peers and the rest by
// three, of which we have pieces 0 and 2. `me` is the peer tests pick from;
// an optional third string says which pieces it has ('*'; default: every
// piece someone has). It counts toward the digits, and synthetic peers make
// up the rest, so availability reads exactly as written.
//
// Every operation goes through Swarm, which checks the picker's invariants
// after it: a broken counter fails the test at the operation that broke it.
#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "node/transfer/piece_picker.hpp"

namespace Catch {
template <>
struct StringMaker<p2p::transfer::PieceIndex> {
    static std::string convert(p2p::transfer::PieceIndex p) { return "#" + std::to_string(p.value); }
};
}  // namespace Catch

namespace p2p::transfer::test {

constexpr PieceIndex P(std::uint32_t v) { return PieceIndex{v}; }

// Sorted piece numbers, for comparing picks as sets.
inline std::vector<std::uint32_t> values(std::vector<PieceIndex> pieces) {
    std::vector<std::uint32_t> out;
    for (auto p : pieces) out.push_back(p.value);
    std::sort(out.begin(), out.end());
    return out;
}

// '*' or '1' = has it; anything else = lacks it.
inline Bitfield bits(std::string_view marks) {
    Bitfield bf(marks.size());
    for (std::uint32_t i = 0; i < marks.size(); ++i)
        if (marks[i] == '*' || marks[i] == '1') bf.set(P(i));
    return bf;
}

struct Swarm {
    explicit Swarm(std::size_t n, std::uint32_t seed = 1) : picker(n), rng(seed) {}

    PiecePicker picker;
    std::mt19937 rng;
    PeerId me = 1;
    std::vector<PeerId> others;

    std::vector<PieceIndex> pick(PeerId peer, std::size_t max) {
        auto r = picker.pick(peer, max, rng);
        picker.check_invariants();
        return r;
    }
    std::vector<PieceIndex> pick(std::size_t max) { return pick(me, max); }
    std::vector<PeerId> verified(PeerId from, PieceIndex p) {
        auto r = picker.on_piece_verified(from, p);
        picker.check_invariants();
        return r;
    }
    bool failed(PeerId peer, PieceIndex p) {
        bool r = picker.on_piece_failed(peer, p);
        picker.check_invariants();
        return r;
    }
    void add(PeerId peer, std::string_view marks) {
        picker.add_peer(peer, bits(marks));
        picker.check_invariants();
    }
    bool gained(PeerId peer, PieceIndex p) {
        bool r = picker.peer_gained(peer, p);
        picker.check_invariants();
        return r;
    }
    std::vector<PieceIndex> remove(PeerId peer) {
        auto r = picker.remove_peer(peer);
        picker.check_invariants();
        return r;
    }
};

inline Swarm setup_picker(std::string_view availability, std::string_view have,
                          std::string_view me_has = {}, std::uint32_t seed = 1) {
    const std::size_t n = availability.size();
    if (have.size() != n || (!me_has.empty() && me_has.size() != n))
        throw std::invalid_argument("setup_picker: strings of different lengths");
    Swarm s(n, seed);

    std::string mine(n, ' ');
    int most_others = 0;
    std::vector<int> others_having(n);
    for (std::size_t i = 0; i < n; ++i) {
        const int digit = availability[i] - '0';
        mine[i] = me_has.empty() ? (digit > 0 ? '*' : ' ') : me_has[i];
        others_having[i] = digit - (mine[i] == '*' ? 1 : 0);
        if (digit < 0 || digit > 9 || others_having[i] < 0)
            throw std::invalid_argument("setup_picker: me has a piece with availability 0");
        most_others = std::max(most_others, others_having[i]);
    }
    s.add(s.me, mine);
    for (int k = 0; k < most_others; ++k) {
        std::string marks(n, ' ');
        for (std::size_t i = 0; i < n; ++i)
            if (k < others_having[i]) marks[i] = '*';
        const PeerId id = 100 + static_cast<PeerId>(k);
        s.add(id, marks);
        s.others.push_back(id);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        if (have[i] == '*') {
            s.picker.mark_have(P(i));
            s.picker.check_invariants();
        }
    }
    return s;
}

}  // namespace p2p::transfer::test
