#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "node/transfer/bitfield.hpp"

using p2p::transfer::Bitfield;
using p2p::transfer::PieceIndex;

namespace {
constexpr PieceIndex P(std::uint32_t v) { return PieceIndex{v}; }
std::string bytes(std::initializer_list<unsigned> v) {
    std::string s;
    for (unsigned b : v) s.push_back(static_cast<char>(b));
    return s;
}
}  // namespace

TEST_CASE("bitfield set, reset, test and counts", "[bitfield]") {
    Bitfield bf(70);  // spans two words, the second one partly used
    CHECK(bf.size() == 70);
    CHECK(bf.none());
    CHECK_FALSE(bf.all());

    bf.set(P(0));
    bf.set(P(63));
    bf.set(P(64));
    bf.set(P(69));
    CHECK(bf.test(P(63)));
    CHECK_FALSE(bf.test(P(62)));
    CHECK(bf.count() == 4);

    bf.reset(P(63));
    CHECK_FALSE(bf.test(P(63)));
    CHECK(bf.count() == 3);

    bf.set_all();
    CHECK(bf.all());
    CHECK(bf.count() == 70);

    CHECK_THROWS_AS(bf.test(P(70)), std::out_of_range);
    CHECK_THROWS_AS(bf.set(P(70)), std::out_of_range);
}

TEST_CASE("bitfield wire form is MSB first with zero padding", "[bitfield]") {
    Bitfield bf(10);
    bf.set(P(0));
    bf.set(P(1));
    bf.set(P(9));
    CHECK(bf.to_bytes() == bytes({0xC0, 0x40}));
    CHECK(bf.to_string() == "1100000001");

    Bitfield all(10);
    all.set_all();
    CHECK(all.to_bytes() == bytes({0xFF, 0xC0}));
}

TEST_CASE("bitfield round-trips through bytes and strings", "[bitfield]") {
    std::mt19937 rng(7);
    for (std::size_t n : {0U, 1U, 7U, 8U, 9U, 63U, 64U, 65U, 200U, 1031U}) {
        Bitfield bf(n);
        for (std::uint32_t i = 0; i < n; ++i)
            if (rng() % 2) bf.set(P(i));
        auto back = Bitfield::from_bytes(bf.to_bytes(), n);
        REQUIRE(back.has_value());
        CHECK(*back == bf);
        CHECK(back->count() == bf.count());
        auto from_text = Bitfield::from_string(bf.to_string());
        REQUIRE(from_text.has_value());
        CHECK(*from_text == bf);
    }
}

TEST_CASE("bitfield from peer bytes rejects bad length and padding", "[bitfield]") {
    SECTION("too short or too long") {
        CHECK_FALSE(Bitfield::from_bytes(bytes({0xFF}), 10));
        CHECK_FALSE(Bitfield::from_bytes(bytes({0xFF, 0xC0, 0x00}), 10));
        CHECK_FALSE(Bitfield::from_bytes("", 1));
        CHECK_FALSE(Bitfield::from_bytes(bytes({0x00}), 0));
        CHECK(Bitfield::from_bytes("", 0));
    }
    SECTION("a padding bit claims a piece that does not exist") {
        CHECK(Bitfield::from_bytes(bytes({0xFF, 0xC0}), 10));
        CHECK_FALSE(Bitfield::from_bytes(bytes({0xFF, 0xE0}), 10));
        CHECK_FALSE(Bitfield::from_bytes(bytes({0x00, 0x01}), 10));
        CHECK_FALSE(Bitfield::from_bytes(bytes({0x81}), 7));
    }
    SECTION("whole bytes have no padding") {
        auto bf = Bitfield::from_bytes(bytes({0xFF, 0xFF}), 16);
        REQUIRE(bf);
        CHECK(bf->all());
    }
    SECTION("text form accepts only 0 and 1") {
        CHECK_FALSE(Bitfield::from_string("10x1"));
        CHECK(Bitfield::from_string("")->size() == 0);
    }
}

TEST_CASE("bitfield lists the missing pieces in order", "[bitfield]") {
    auto bf = *Bitfield::from_string("1101000011");
    std::vector<std::uint32_t> missing;
    for (auto p : bf.missing()) missing.push_back(p.value);
    CHECK(missing == std::vector<std::uint32_t>{2, 4, 5, 6, 7});

    std::vector<std::uint32_t> set;
    bf.for_each_set([&](PieceIndex p) { set.push_back(p.value); });
    CHECK(set == std::vector<std::uint32_t>{0, 1, 3, 8, 9});

    Bitfield full(130);
    full.set_all();
    CHECK(full.missing().empty());  // the unused tail of the last word is not "missing"
    CHECK(Bitfield(130).missing().size() == 130);
}
