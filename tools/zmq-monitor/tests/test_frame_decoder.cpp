#include <catch2/catch.hpp>

#include "messages/envelope.hpp"
#include "messages/replication_protocol.hpp"
#include "messages/tracker_protocol.hpp"
#include "tools/zmq-monitor/frame_decoder.hpp"

using namespace p2p;
using namespace p2p::monitor;

namespace {

// By value: the Decoded passed in is a temporary.
Undecodable undecodable(const Decoded& d) {
    REQUIRE(std::holds_alternative<Undecodable>(d));
    return std::get<Undecodable>(d);
}

}  // namespace

TEST_CASE("decode_frames reads a tracker event") {
    const auto body = encode(0, msg::TrackerEvent{msg::event::kJoinRequested, "g1", "bob", ""});
    const Decoded d = decode_frames({"group.g1", body});
    REQUIRE(std::holds_alternative<SeenEvent>(d));
    const auto& seen = std::get<SeenEvent>(d);
    CHECK(seen.topic == "group.g1");
    CHECK(seen.event.type == "join_requested");
    CHECK(seen.event.group == "g1");
    CHECK(seen.event.user == "bob");
    CHECK(seen.event.by.empty());
}

TEST_CASE("decode_frames shows a tracker's role change as an event") {
    const auto body = encode(0, msg::TrackerRole{2, msg::role::kPrimary, 3, "primary tracker 1 lost"});
    const Decoded d = decode_frames({msg::kRoleTopic, body});
    REQUIRE(std::holds_alternative<SeenEvent>(d));
    const auto& seen = std::get<SeenEvent>(d);
    CHECK(seen.topic == "tracker.role");
    CHECK(seen.event.type == "tracker_primary");
    CHECK(seen.event.user == "tracker-2");
    CHECK(seen.event.by == "term 3: primary tracker 1 lost");
    CHECK_THAT(undecodable(decode_frames({msg::kRoleTopic, encode(0, msg::TrackerRole{2, "", 3, ""})})).reason,
               Catch::Contains("no role"));
}

TEST_CASE("decode_frames reports what is wrong and how big it was") {
    const auto event = encode(0, msg::TrackerEvent{"member_joined", "g1", "bob", "alice"});

    const auto one = undecodable(decode_frames({"group.g1"}));
    CHECK(one.topic == "group.g1");
    CHECK(one.bytes == 8);
    CHECK_THAT(one.reason, Catch::Contains("got 1"));

    const auto three = undecodable(decode_frames({"t", event, "x"}));
    CHECK_THAT(three.reason, Catch::Contains("got 3"));
    CHECK(three.bytes == 2 + event.size());

    const auto garbage = undecodable(decode_frames({"group.g1", "\xc1\xc1\xc1"}));
    CHECK(garbage.bytes == 11);
    CHECK_FALSE(garbage.reason.empty());

    const auto empty = undecodable(decode_frames({"group.g1", ""}));
    CHECK_THAT(empty.reason, Catch::Contains("empty"));

    const auto wrong_kind = undecodable(decode_frames({"group.g1", encode(0, msg::Ok{"hi"})}));
    CHECK_THAT(wrong_kind.reason, Catch::Contains("expected TrackerEvent"));

    const auto no_type = undecodable(decode_frames({"group.g1", encode(0, msg::TrackerEvent{})}));
    CHECK_THAT(no_type.reason, Catch::Contains("no type"));

    const auto truncated = undecodable(decode_frames({"group.g1", event.substr(0, event.size() - 3)}));
    CHECK(truncated.bytes == 8 + event.size() - 3);

    const auto nothing = undecodable(decode_frames({}));
    CHECK(nothing.topic.empty());
    CHECK(nothing.bytes == 0);
}
