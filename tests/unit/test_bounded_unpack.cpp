// unpack_bounded (messages/bounded_unpack.hpp) and the decoders that use it.
// The inputs are those the fuzzers (tests/fuzz) found asking for gigabytes:
// a container header claiming far more elements than the bytes hold. Each
// decoder must refuse them without allocating for the claim.
#include <catch2/catch.hpp>

#include "messages/bounded_unpack.hpp"
#include "messages/envelope.hpp"
#include "node/engine/engine_protocol.hpp"
#include "tests/memory_budget.hpp"
#include "tracker/core/state.hpp"

using namespace p2p;
using p2p::test::kDecodeBudget;
using p2p::test::with_memory_budget;

namespace {

const msgpack::unpack_limit kUnlimited;


msgpack::object_handle unpack_all(std::string_view bytes, const msgpack::unpack_limit& limit = kUnlimited) {
    std::size_t offset = 0;
    auto handle = unpack_bounded(bytes.data(), bytes.size(), offset, limit);
    REQUIRE(offset == bytes.size());
    return handle;
}

std::string packed(const auto& value) {
    msgpack::sbuffer buf;
    msgpack::pack(buf, value);
    return std::string(buf.data(), buf.size());
}

}  // namespace

TEST_CASE("unpack_bounded unpacks what msgpack::unpack unpacks", "[bounded_unpack]") {
    using Value = std::map<std::string, std::vector<int>>;
    const Value value{{"a", {1, 2, 3}}, {"b", {}}};
    const std::string bytes = packed(value);
    CHECK(unpack_all(bytes).get().as<Value>() == value);

    SECTION("offset: one object, then the next") {
        const std::string two = packed(1) + packed(std::string("x"));
        std::size_t offset = 0;
        CHECK(unpack_bounded(two.data(), two.size(), offset, kUnlimited).get().as<int>() == 1);
        CHECK(offset == 1);
        CHECK(unpack_bounded(two.data(), two.size(), offset, kUnlimited).get().as<std::string>() == "x");
        CHECK(offset == two.size());
    }
}

TEST_CASE("unpack_bounded throws msgpack's exceptions for msgpack's limits", "[bounded_unpack]") {
    const auto limit = [](std::size_t array, std::size_t map, std::size_t str, std::size_t depth) {
        return msgpack::unpack_limit(array, map, str, str, 0, depth);
    };
    CHECK_THROWS_AS(unpack_all(packed(std::vector<int>{1, 2, 3}), limit(2, 9, 9, 9)), msgpack::array_size_overflow);
    CHECK_THROWS_AS(unpack_all(packed(std::map<int, int>{{1, 1}, {2, 2}}), limit(9, 1, 9, 9)),
                    msgpack::map_size_overflow);
    CHECK_THROWS_AS(unpack_all(packed(std::string("abc")), limit(9, 9, 2, 9)), msgpack::str_size_overflow);
    CHECK_THROWS_AS(unpack_all("\x91\x91\x91\x01", limit(9, 9, 9, 2)), msgpack::depth_size_overflow);
    CHECK_NOTHROW(unpack_all("\x91\x91\x01", limit(9, 9, 9, 2)));
    CHECK_THROWS_AS(unpack_all("\xc1"), msgpack::parse_error);
}

TEST_CASE("unpack_bounded refuses headers claiming more than the bytes hold", "[bounded_unpack]") {
    using namespace std::string_literals;
    for (const std::string& claim : {"\xdd\xff\xff\xff\xff"s,            // array of 2^32-1, no element
                                     "\xdf\xff\xff\xff\xff\x01\x02"s,    // map of 2^32-1, one pair
                                     "\xdd\x00\x10\x00\x00\xdd\x00\x10\x00\x00"s,  // nested million-arrays
                                     "\xdb\x7f\xff\xff\xff" "abc"s}) {  // 2 GiB string, 3 bytes
        INFO("bytes: " << claim.size());
        with_memory_budget(kDecodeBudget, [&] { CHECK_THROWS_AS(unpack_all(claim), msgpack::insufficient_bytes); });
    }
}

TEST_CASE("decode_state refuses a snapshot whose header claims 2^32 entries (found by fuzz_snapshot)",
          "[bounded_unpack][state]") {
    using namespace std::string_literals;
    with_memory_budget(kDecodeBudget, [] {
        CHECK_THROWS_WITH(tracker::decode_state("\x81\xa5users\xdf\xff\xff\xff\xff"s),
                          Catch::Contains("snapshot state does not decode: insufficient bytes"));
        CHECK_THROWS_WITH(tracker::decode_state("\xdf\xff\xff\xff\xff"s), Catch::Contains("insufficient bytes"));
    });
    CHECK_THROWS_WITH(tracker::decode_state(std::string(100, '\x91')), Catch::Contains("depth"));
}

TEST_CASE("a damaged shares.msgpack costs an exception, not memory (found by fuzz_shares)", "[bounded_unpack]") {
    using namespace std::string_literals;
    const std::string bad = "\xdd\xff\xff\xff\xff"s;
    with_memory_budget(kDecodeBudget, [&] {
        CHECK_THROWS_WITH(node::unpack_body<std::vector<node::ServeFile>>(bad.data(), bad.size()),
                          Catch::Contains("insufficient bytes"));
    });
    const std::vector<node::ServeFile> shares{{"g", "/data/f", {"f", 0, files::kPieceSize, {}, files::file_id_of({})}, ""}};
    const std::string good = node::pack_body(shares);
    CHECK(node::pack_body(node::unpack_body<std::vector<node::ServeFile>>(good.data(), good.size())) == good);
}

TEST_CASE("decode_envelope refuses nested headers claiming a million elements each (found by fuzz_envelope)",
          "[bounded_unpack][envelope]") {
    using namespace std::string_literals;
    // [UserList, 13, {key: [million x [million x ...]]}]: 35 bytes that asked
    // for 24 MiB of slots per level before anything was checked.
    std::string bytes = "\x93\x14\x0d\x81\xa5users"s;
    for (int i = 0; i < 5; ++i) bytes += "\xdd\x00\x10\x00\x00"s;
    const auto env = with_memory_budget(kDecodeBudget, [&] { return decode_envelope(bytes); });
    REQUIRE_FALSE(env.ok());
    CHECK_THAT(env.error(), Catch::Contains("undecodable message: insufficient bytes"));
}
