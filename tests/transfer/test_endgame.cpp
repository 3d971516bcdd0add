// Endgame: once nothing fresh is left, the requests in flight are raced on
// other peers, and the losers are named for cancelling.
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/transfer/picker_fixture.hpp"

using namespace p2p::transfer;
using namespace p2p::transfer::test;
using V = std::vector<std::uint32_t>;

namespace {
std::vector<PeerId> sorted(std::vector<PeerId> v) {
    std::sort(v.begin(), v.end());
    return v;
}
}  // namespace

TEST_CASE("endgame starts only when every missing piece is requested", "[picker][endgame]") {
    auto s = setup_picker("3333", "*   ");
    const PeerId other = s.others[0];
    CHECK_FALSE(s.picker.in_endgame());

    CHECK(s.pick(2).size() == 2);
    CHECK_FALSE(s.picker.in_endgame());
    // A second peer still gets the one fresh piece, not a duplicate.
    auto fresh = s.pick(other, 1);
    REQUIRE(fresh.size() == 1);
    CHECK(s.picker.requesters_of(fresh[0]) == std::vector<PeerId>{other});
    CHECK(s.picker.in_endgame());

    SECTION("a failed request ends it: that piece is fresh again") {
        REQUIRE(s.failed(other, fresh[0]));
        CHECK_FALSE(s.picker.in_endgame());
        CHECK(s.pick(s.others[1], 1) == fresh);
    }
    SECTION("it ends with the download") {
        for (std::uint32_t p = 1; p < 4; ++p) s.verified(s.picker.requesters_of(P(p)).at(0), P(p));
        CHECK(s.picker.is_complete());
        CHECK_FALSE(s.picker.in_endgame());
    }
}

TEST_CASE("the pick that takes the last fresh piece fills up with duplicates", "[picker][endgame]") {
    auto s = setup_picker("222", "   ");
    const PeerId other = s.others[0];
    REQUIRE(s.pick(other, 2).size() == 2);
    auto picks = s.pick(5);
    // One fresh piece first, then the two in flight to the other peer.
    REQUIRE(picks.size() == 3);
    CHECK(s.picker.requesters_of(picks[0]) == std::vector<PeerId>{s.me});
    CHECK(values(s.picker.requests_of(s.me)) == V{0, 1, 2});
    CHECK(s.picker.in_endgame());
}

TEST_CASE("endgame duplicates go to other peers, fewest duplicates first", "[picker][endgame]") {
    auto s = setup_picker("333", "   ");
    const PeerId a = s.others[0];
    const PeerId b = s.others[1];
    REQUIRE(s.pick(3).size() == 3);
    REQUIRE(s.picker.in_endgame());

    CHECK(s.pick(3).empty());  // never twice from the same peer

    auto x = s.pick(a, 1);
    REQUIRE(x.size() == 1);
    CHECK(sorted(s.picker.requesters_of(x[0])) == sorted({s.me, a}));

    auto y = s.pick(b, 1);
    REQUIRE(y.size() == 1);
    CHECK(y[0] != x[0]);  // x already has a duplicate; y had none

    // a: the untouched piece (one request) before y (two); never x again.
    auto rest = s.pick(a, 3);
    REQUIRE(rest.size() == 2);
    CHECK(s.picker.requesters_of(rest[0]).size() == 2);
    CHECK(rest[1] == y[0]);
    CHECK(s.pick(a, 3).empty());
    CHECK(s.picker.requests_of(a).size() == 3);
}

TEST_CASE("endgame duplicates only what the peer has", "[picker][endgame]") {
    auto s = setup_picker("21", "  ");  // peer 100 has only piece 0
    REQUIRE(s.pick(2).size() == 2);
    CHECK(values(s.pick(s.others[0], 5)) == V{0});
}

TEST_CASE("on_piece_verified names the losers of the race", "[picker][endgame]") {
    auto s = setup_picker("333", "   ");
    const PeerId a = s.others[0];
    const PeerId b = s.others[1];
    REQUIRE(s.pick(3).size() == 3);
    REQUIRE(s.pick(a, 3).size() == 3);
    REQUIRE(s.pick(b, 3).size() == 3);
    CHECK(s.picker.num_requested() == 3);

    CHECK(sorted(s.verified(a, P(1))) == sorted({s.me, b}));
    CHECK(s.picker.requesters_of(P(1)).empty());
    CHECK(values(s.picker.requests_of(s.me)) == V{0, 2});
    CHECK(values(s.picker.requests_of(b)) == V{0, 2});

    // Delivered by a peer that was not asked (or already gone): all are losers.
    CHECK(sorted(s.verified(999, P(0))) == sorted({s.me, a, b}));
}

TEST_CASE("pieces nobody has do not hold endgame off", "[picker][endgame]") {
    auto s = setup_picker("303", "   ");
    const PeerId other = s.others[0];
    REQUIRE(values(s.pick(5)) == V{0, 2});
    CHECK(s.picker.in_endgame());
    CHECK(values(s.pick(other, 5)) == V{0, 2});

    // Somebody gets piece 1: there is fresh work again.
    s.add(77, " * ");
    CHECK_FALSE(s.picker.in_endgame());
    CHECK(values(s.pick(77, 5)) == V{1});
}

TEST_CASE("a peer leaving during endgame keeps the other racers' requests", "[picker][endgame]") {
    auto s = setup_picker("22", "  ");
    const PeerId other = s.others[0];
    REQUIRE(s.pick(2).size() == 2);
    REQUIRE(s.pick(other, 2).size() == 2);
    CHECK(values(s.remove(other)) == V{0, 1});
    // Still in flight to me, so neither became fresh.
    CHECK(s.picker.num_requested() == 2);
    CHECK(s.picker.in_endgame());
    CHECK(s.picker.requesters_of(P(0)) == std::vector<PeerId>{s.me});
}
