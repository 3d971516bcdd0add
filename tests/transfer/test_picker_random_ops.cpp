// A seeded random run of every operation, checking the picker's invariants
// after each and the picking rules on every pick. Seeded, so a failure
// replays; the seed and step are in the failure message.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "tests/transfer/picker_fixture.hpp"

using namespace p2p::transfer;
using namespace p2p::transfer::test;

namespace {

constexpr std::size_t kPieces = 96;
constexpr PeerId kPeerPool = 10;

struct Run {
    explicit Run(std::uint32_t seed) : rng(seed), picker(kPieces) {}

    std::mt19937 rng;
    PiecePicker picker;
    std::set<PeerId> peers;
    std::map<PeerId, Bitfield> has;  // what we told the picker each peer has
    std::size_t completed = 0;
    std::size_t duplicates = 0;  // endgame picks: the run must reach endgame

    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
    PieceIndex any_piece() { return P(static_cast<std::uint32_t>(below(kPieces))); }

    // A peer somewhere between empty and a seed, so buckets of every size occur.
    Bitfield random_bitfield() {
        Bitfield bf(kPieces);
        const std::size_t density = below(101);
        for (std::uint32_t p = 0; p < kPieces; ++p)
            if (below(100) < density) bf.set(P(p));
        return bf;
    }

    PeerId random_peer() {
        auto it = peers.begin();
        std::advance(it, static_cast<long>(below(peers.size())));
        return *it;
    }

    void add() {
        const PeerId id = static_cast<PeerId>(below(kPeerPool));
        if (peers.count(id)) return;
        has[id] = random_bitfield();
        picker.add_peer(id, has[id]);
        peers.insert(id);
    }

    void remove() {
        if (peers.empty()) return;
        const PeerId id = random_peer();
        const auto before = picker.requests_of(id);
        auto released = picker.remove_peer(id);
        REQUIRE(values(released) == values(before));
        peers.erase(id);
        has.erase(id);
    }

    void gain() {
        if (peers.empty()) return;
        const PeerId id = random_peer();
        if (below(20) == 0) {
            REQUIRE_FALSE(picker.peer_gained(id, P(static_cast<std::uint32_t>(kPieces + below(5)))));
            return;
        }
        const PieceIndex p = any_piece();
        const auto before = picker.availability(p);
        const bool is_new = !has.at(id).test(p);
        REQUIRE(picker.peer_gained(id, p));
        has.at(id).set(p);
        REQUIRE(picker.availability(p) == before + (is_new ? 1 : 0));
    }

    void pick() {
        if (peers.empty()) return;
        const PeerId id = random_peer();
        const std::size_t max = below(7);
        std::map<std::uint32_t, std::size_t> requesters_before;
        for (std::uint32_t p = 0; p < kPieces; ++p)
            requesters_before[p] = picker.requesters_of(P(p)).size();
        const auto own_before = picker.requests_of(id);

        auto picks = picker.pick(id, max, rng);

        REQUIRE(picks.size() <= max);
        std::set<std::uint32_t> distinct;
        bool seen_duplicate = false;
        std::uint32_t last_fresh_availability = 0;
        for (auto p : picks) {
            REQUIRE(distinct.insert(p.value).second);
            REQUIRE_FALSE(picker.have(p));
            REQUIRE(has.at(id).test(p));
            REQUIRE(std::find(own_before.begin(), own_before.end(), p) == own_before.end());
            const auto& requests = picker.requests_of(id);
            REQUIRE(std::find(requests.begin(), requests.end(), p) != requests.end());
            if (requesters_before[p.value] == 0) {
                // Fresh: comes before any duplicate, rarest first.
                REQUIRE_FALSE(seen_duplicate);
                REQUIRE(picker.rank(p) >= last_fresh_availability);
                last_fresh_availability = picker.rank(p);
            } else {
                seen_duplicate = true;
                ++duplicates;
            }
        }
        if (seen_duplicate) REQUIRE(picker.in_endgame());

        // Nothing fresh that this peer has is rarer than what it got, and if
        // it got fewer than asked, nothing fresh of its is left at all.
        const bool short_pick = picks.size() < max;
        for (std::uint32_t p = 0; p < kPieces; ++p) {
            if (picker.have(P(p)) || !picker.requesters_of(P(p)).empty()) continue;
            if (picker.availability(P(p)) == 0) continue;
            if (!has.at(id).test(P(p))) continue;
            REQUIRE_FALSE(short_pick);
            REQUIRE(picker.rank(P(p)) >= last_fresh_availability);
        }
    }

    void verify() {
        if (peers.empty()) return;
        const PeerId id = random_peer();
        const auto requests = picker.requests_of(id);
        if (requests.empty()) return;
        const PieceIndex p = requests[below(requests.size())];
        auto expected = picker.requesters_of(p);
        expected.erase(std::find(expected.begin(), expected.end(), id));
        auto losers = picker.on_piece_verified(id, p);
        std::sort(losers.begin(), losers.end());
        std::sort(expected.begin(), expected.end());
        REQUIRE(losers == expected);
        REQUIRE(picker.have(p));
    }

    void fail() {
        if (peers.empty()) return;
        const PeerId id = random_peer();
        const auto requests = picker.requests_of(id);
        if (requests.empty()) {
            REQUIRE_FALSE(picker.on_piece_failed(id, any_piece()));
            return;
        }
        REQUIRE(picker.on_piece_failed(id, requests[below(requests.size())]));
    }

    void elsewhere() {
        if (below(10) == 0) {
            REQUIRE_FALSE(picker.mark_elsewhere(P(static_cast<std::uint32_t>(kPieces + below(5)))));
            return;
        }
        const PieceIndex p = any_piece();
        const auto availability = picker.availability(p);
        REQUIRE(picker.mark_elsewhere(p));
        REQUIRE(picker.availability(p) == availability);
        REQUIRE(picker.rank(p) == (availability == 0 ? 0 : availability + 1));
    }

    void resume() {
        const PieceIndex p = any_piece();
        if (!picker.have(p)) picker.mark_have(p);
    }
};

}  // namespace

TEST_CASE("picker keeps its invariants through a random run", "[picker][random]") {
    const std::uint32_t seed = GENERATE(1u, 2u, 3u);
    Run run(seed);
    std::size_t picks = 0;
    for (int step = 0; step < 5000; ++step) {
        INFO("seed " << seed << " step " << step);
        const std::size_t op = run.below(100);
        if (op < 8) {
            run.add();
        } else if (op < 12) {
            run.remove();
        } else if (op < 22) {
            run.gain();
        } else if (op < 60) {
            run.pick();
            ++picks;
        } else if (op < 78) {
            run.verify();
        } else if (op < 95) {
            run.fail();
        } else if (op < 98) {
            run.elsewhere();
        } else {
            run.resume();
        }
        REQUIRE_NOTHROW(run.picker.check_invariants());
        if (run.picker.is_complete()) {
            ++run.completed;
            run.picker = PiecePicker(kPieces);  // start a new download in the same swarm
            run.peers.clear();
            run.has.clear();
        }
    }
    CHECK(picks > 1000);
    CHECK(run.completed > 0);
    CHECK(run.duplicates > 0);
}
