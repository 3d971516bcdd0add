// What pick() chooses outside endgame: rarest first, only what the peer has
// and we lack, never a piece already in flight, ties at random.
#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "tests/transfer/picker_fixture.hpp"

using namespace p2p::transfer;
using namespace p2p::transfer::test;
using V = std::vector<std::uint32_t>;

TEST_CASE("picker takes the rarest pieces first", "[picker]") {
    SECTION("the two-peer pieces before the three-peer ones") {
        auto s = setup_picker("2223333", "       ");
        CHECK(values(s.pick(3)) == V{0, 1, 2});
        CHECK(values(s.pick(4)) == V{3, 4, 5, 6});
    }
    SECTION("results come rarest first") {
        auto s = setup_picker("3132", "    ");
        auto picks = s.pick(3);
        REQUIRE(picks.size() == 3);
        CHECK(picks[0] == P(1));
        CHECK(picks[1] == P(3));
        CHECK((picks[2] == P(0) || picks[2] == P(2)));  // tied at three
    }
    SECTION("a single pick is one of the rarest") {
        for (std::uint32_t seed = 1; seed <= 20; ++seed) {
            auto s = setup_picker("2223333", "       ", {}, seed);
            auto picks = s.pick(1);
            REQUIRE(picks.size() == 1);
            CHECK(picks[0].value <= 2);
        }
    }
}

TEST_CASE("picker never picks what the peer lacks", "[picker]") {
    SECTION("even when it is rarer") {
        auto s = setup_picker("1222", "    ", "  **");
        CHECK(values(s.pick(10)) == V{2, 3});
        CHECK(s.pick(10).empty());
        CHECK(values(s.picker.requests_of(s.me)) == V{2, 3});
    }
    SECTION("pieces nobody has") {
        auto s = setup_picker("0110", "    ");
        CHECK(values(s.pick(10)) == V{1, 2});
    }
    SECTION("a peer with nothing") {
        auto s = setup_picker("1111", "    ");
        s.add(50, "    ");
        CHECK(s.pick(50, 4).empty());
    }
}

TEST_CASE("picker never picks what we have", "[picker]") {
    SECTION("all else equal") {
        auto s = setup_picker("1111", "* * ");
        CHECK(values(s.pick(10)) == V{1, 3});
    }
    SECTION("even the rarest") {
        auto s = setup_picker("1213", "*   ");
        CHECK(values(s.pick(1)) == V{2});
    }
    SECTION("everything") {
        auto s = setup_picker("22", "**");
        CHECK(s.picker.is_complete());
        CHECK(s.pick(10).empty());
        CHECK_FALSE(s.picker.in_endgame());
    }
}

TEST_CASE("picker never requests a piece twice outside endgame", "[picker]") {
    auto s = setup_picker(std::string(64, '3'), std::string(64, ' '));
    const std::vector<PeerId> peers{s.me, s.others[0], s.others[1]};
    std::set<std::uint32_t> requested;
    for (std::size_t round = 0; requested.size() < 64; ++round) {
        REQUIRE_FALSE(s.picker.in_endgame());
        const PeerId peer = peers[round % peers.size()];
        auto picks = s.pick(peer, 2);
        REQUIRE(picks.size() == 2);
        for (auto p : picks) REQUIRE(requested.insert(p.value).second);
    }
    CHECK(s.picker.num_requested() == 64);
    CHECK(s.picker.in_endgame());
}

TEST_CASE("picker breaks ties uniformly at random", "[picker]") {
    // Pieces 1-4 are equally rare; 0, 5 and 6 are decoys that must never win.
    auto s = setup_picker("3222233", "       ", {}, 2024);
    std::map<std::uint32_t, int> chosen;
    const int rounds = 10000;
    for (int i = 0; i < rounds; ++i) {
        auto picks = s.pick(1);
        REQUIRE(picks.size() == 1);
        ++chosen[picks[0].value];
        REQUIRE(s.failed(s.me, picks[0]));  // back in the pool for the next round
    }
    REQUIRE(chosen.size() == 4);
    for (std::uint32_t p = 1; p <= 4; ++p) {
        INFO("piece " << p << " chosen " << chosen[p] << " times");
        CHECK(chosen[p] >= rounds * 20 / 100);
        CHECK(chosen[p] <= rounds * 30 / 100);
    }
}

TEST_CASE("picker honours max", "[picker]") {
    auto s = setup_picker("11111", "     ");
    CHECK(s.pick(0).empty());
    CHECK(s.pick(2).size() == 2);
    CHECK(s.picker.num_requested() == 2);
}

TEST_CASE("pieces a source sent elsewhere come after equally rare ones", "[picker][elsewhere]") {
    SECTION("a seeder's pieces nobody is getting yet go first") {
        auto s = setup_picker("1111", "    ");
        REQUIRE(s.picker.mark_elsewhere(P(0)));
        REQUIRE(s.picker.mark_elsewhere(P(1)));
        s.picker.check_invariants();
        CHECK(values(s.pick(2)) == V{2, 3});
        CHECK(values(s.pick(2)) == V{0, 1});
    }
    SECTION("it counts as one more peer, no more") {
        auto s = setup_picker("1122", "    ");
        REQUIRE(s.picker.mark_elsewhere(P(0)));
        REQUIRE(s.picker.mark_elsewhere(P(0)));  // sticky, not counted twice
        CHECK(s.picker.rank(P(0)) == 2);
        CHECK(s.picker.availability(P(0)) == 1);
        CHECK(values(s.pick(1)) == V{1});
        CHECK(s.pick(3).size() == 3);  // 0, 2, 3 tie at two
    }
    SECTION("a piece no connected peer has stays out of reach") {
        auto s = setup_picker("0111", "    ");
        REQUIRE(s.picker.mark_elsewhere(P(0)));
        CHECK(s.picker.rank(P(0)) == 0);
        CHECK(values(s.pick(10)) == V{1, 2, 3});
        s.verified(s.me, P(1));
        s.verified(s.me, P(2));
        s.verified(s.me, P(3));
        CHECK_FALSE(s.picker.in_endgame());
        CHECK(s.pick(10).empty());
    }
    SECTION("an index past the end is peer input: refused, nothing changes") {
        auto s = setup_picker("11", "  ");
        CHECK_FALSE(s.picker.mark_elsewhere(P(2)));
        s.picker.check_invariants();
    }
}
