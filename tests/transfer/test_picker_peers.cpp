// Peers coming, announcing and going, and what happens to a request after:
// verified, failed, or lost with its peer.
#include <catch2/catch.hpp>

#include "tests/transfer/picker_fixture.hpp"

using namespace p2p::transfer;
using namespace p2p::transfer::test;
using V = std::vector<std::uint32_t>;

TEST_CASE("availability counts the connected peers having each piece", "[picker][peers]") {
    auto s = setup_picker("2310", "    ");
    CHECK(s.picker.availability(P(0)) == 2);
    CHECK(s.picker.availability(P(1)) == 3);
    CHECK(s.picker.availability(P(2)) == 1);
    CHECK(s.picker.availability(P(3)) == 0);
    CHECK(s.picker.num_peers() == 3);
}

TEST_CASE("peer_gained raises availability and moves the piece", "[picker][peers]") {
    auto s = setup_picker("1111", "    ");
    s.add(7, "    ");
    REQUIRE(s.gained(7, P(0)));
    CHECK(s.picker.availability(P(0)) == 2);
    // Piece 0 is now the most common: the rarest three come first.
    CHECK(values(s.pick(3)) == V{1, 2, 3});

    SECTION("announced twice counts once") {
        CHECK(s.gained(7, P(0)));
        CHECK(s.picker.availability(P(0)) == 2);
    }
    SECTION("an index past the end is refused") {
        CHECK_FALSE(s.gained(7, P(4)));
        CHECK_FALSE(s.gained(7, P(UINT32_MAX)));
    }
    SECTION("the new piece becomes pickable from that peer") {
        CHECK(values(s.pick(7, 5)) == V{0});
    }
}

TEST_CASE("on_piece_verified marks have and clears the request", "[picker][peers]") {
    auto s = setup_picker("22", "  ");
    auto picks = s.pick(1);
    REQUIRE(picks.size() == 1);
    CHECK(s.verified(s.me, picks[0]).empty());  // nobody else to cancel
    CHECK(s.picker.have(picks[0]));
    CHECK(s.picker.num_have() == 1);
    CHECK(s.picker.requests_of(s.me).empty());
    CHECK(s.picker.num_requested() == 0);

    SECTION("a late second verification is a no-op") {
        CHECK(s.verified(s.others[0], picks[0]).empty());
        CHECK(s.picker.num_have() == 1);
    }
}

TEST_CASE("on_piece_failed makes the piece pickable again", "[picker][peers]") {
    // Piece 0: me and peer 100; piece 1: me and peer 100 too.
    auto s = setup_picker("22", "  ");
    const PeerId other = s.others[0];
    REQUIRE(s.pick(2).size() == 2);
    REQUIRE(s.failed(s.me, P(0)));
    CHECK_FALSE(s.failed(s.me, P(0)));  // no such request any more
    CHECK(s.picker.requesters_of(P(0)).empty());
    CHECK_FALSE(s.picker.in_endgame());

    SECTION("from another peer") {
        CHECK(values(s.pick(other, 1)) == V{0});
    }
    SECTION("or from the same one when nothing else is left") {
        CHECK(values(s.pick(s.me, 1)) == V{0});
    }
    SECTION("unknown peer or piece: nothing to fail") {
        CHECK_FALSE(s.failed(999, P(1)));
        CHECK_FALSE(s.failed(s.me, P(9)));
    }
}

TEST_CASE("remove_peer releases its requests and lowers availability", "[picker][peers]") {
    auto s = setup_picker("2222", "    ");
    const PeerId other = s.others[0];
    auto picks = s.pick(3);
    REQUIRE(picks.size() == 3);

    auto released = s.remove(s.me);
    CHECK(values(released) == values(picks));
    CHECK(s.picker.num_requested() == 0);
    CHECK_FALSE(s.picker.has_peer(s.me));
    for (std::uint32_t p = 0; p < 4; ++p) CHECK(s.picker.availability(P(p)) == 1);
    CHECK(s.picker.requests_of(s.me).empty());
    CHECK_THROWS_AS(s.picker.pick(s.me, 1, s.rng), std::logic_error);

    // Every piece is free again for the peer that stayed.
    CHECK(values(s.pick(other, 10)) == V{0, 1, 2, 3});
    CHECK(s.remove(12345).empty());  // unknown: no-op
}

TEST_CASE("downloading to the end completes", "[picker][peers]") {
    auto s = setup_picker("3333", "    ");
    while (!s.picker.is_complete()) {
        auto picks = s.pick(2);
        REQUIRE_FALSE(picks.empty());
        for (auto p : picks) s.verified(s.me, p);
    }
    CHECK(s.picker.num_have() == 4);
    CHECK(s.picker.have_bitfield().all());
    CHECK(s.picker.num_requested() == 0);
    CHECK(s.pick(4).empty());
    CHECK_FALSE(s.picker.in_endgame());
}

TEST_CASE("mark_have takes resumed pieces out of play", "[picker][peers]") {
    auto s = setup_picker("1111", "    ");
    CHECK(s.picker.mark_have(P(1)).empty());
    CHECK(s.picker.mark_have(P(1)).empty());  // twice is harmless
    s.picker.check_invariants();
    CHECK(values(s.pick(10)) == V{0, 2, 3});

    SECTION("a piece in flight: its requesters come back for cancelling") {
        CHECK(s.picker.mark_have(P(2)) == std::vector<PeerId>{s.me});
        s.picker.check_invariants();
        CHECK(values(s.picker.requests_of(s.me)) == V{0, 3});
    }
}

TEST_CASE("misuse by the caller throws", "[picker][peers]") {
    auto s = setup_picker("11", "  ");
    CHECK_THROWS_AS(s.picker.add_peer(s.me, bits("**")), std::logic_error);
    CHECK_THROWS_AS(s.picker.add_peer(9, bits("***")), std::logic_error);
    CHECK_THROWS_AS(s.picker.peer_gained(9, P(0)), std::logic_error);
    CHECK_THROWS_AS(s.picker.mark_have(P(2)), std::out_of_range);
    CHECK_THROWS_AS(s.picker.availability(P(2)), std::out_of_range);
    s.picker.check_invariants();
}
