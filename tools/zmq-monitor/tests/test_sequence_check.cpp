#include <catch2/catch.hpp>

#include "messages/envelope.hpp"
#include "messages/publish_stamp.hpp"
#include "messages/tracker_events.hpp"
#include "tools/zmq-monitor/frame_decoder.hpp"
#include "tools/zmq-monitor/sequence_check.hpp"

using namespace p2p;
using namespace p2p::monitor;
using K = SeqNote::Kind;

namespace {
msg::PublishStamp at(uint32_t epoch, uint32_t seq) { return msg::PublishStamp{epoch, seq}; }
}  // namespace

TEST_CASE("a steady sequence is quiet, whatever it starts at") {
    SequenceCheck check;
    CHECK(check.observe(at(7, 40)).kind == K::None);  // joined late: not a gap
    CHECK(check.observe(at(7, 41)).kind == K::None);
    CHECK(check.observe(at(7, 42)).kind == K::None);
    CHECK(check.lost() == 0);
}

TEST_CASE("a jump is a gap of the missing count") {
    SequenceCheck check;
    check.observe(at(7, 1));
    const SeqNote note = check.observe(at(7, 5));
    CHECK(note.kind == K::Gap);
    CHECK(note.lost == 3);
    CHECK(check.observe(at(7, 6)).kind == K::None);
    CHECK(check.observe(at(7, 8)).lost == 1);
    CHECK(check.lost() == 4);
}

TEST_CASE("a new epoch is a restart, never a gap") {
    SequenceCheck check;
    check.observe(at(7, 10));
    CHECK(check.observe(at(9, 1)).kind == K::Restarted);
    CHECK(check.observe(at(9, 2)).kind == K::None);
    // The new run may be further along than the old one when we first hear it.
    CHECK(check.observe(at(11, 500)).kind == K::Restarted);
    CHECK(check.lost() == 0);
    CHECK(check.restarts() == 2);
}

TEST_CASE("a sequence going back in one epoch is taken as a restart") {
    SequenceCheck check;
    check.observe(at(7, 10));
    CHECK(check.observe(at(7, 10)).kind == K::Restarted);
    CHECK(check.observe(at(7, 3)).kind == K::Restarted);
}

TEST_CASE("unstamped events are ignored") {
    SequenceCheck check;
    CHECK(check.observe(at(0, 0)).kind == K::None);
    check.observe(at(7, 1));
    CHECK(check.observe(at(0, 0)).kind == K::None);
    CHECK(check.observe(at(7, 2)).kind == K::None);
}

TEST_CASE("with a topic filter only restarts are reported") {
    SequenceCheck check(false);
    check.observe(at(7, 1));
    CHECK(check.observe(at(7, 9)).kind == K::None);
    CHECK(check.observe(at(8, 1)).kind == K::Restarted);
    CHECK(check.lost() == 0);
}

TEST_CASE("PublishSequence counts from 1 in a non-zero epoch, and the stamp survives the wire") {
    msg::PublishSequence a, b;
    CHECK(a.epoch() != 0);
    CHECK(a.epoch() != b.epoch());  // 1 in 2^32 to fail: two runs look different
    const auto first = a.next();
    CHECK(first.seq == 1);
    CHECK(a.next().seq == 2);
    CHECK(msg::unpack_stamp(msg::pack_stamp(first)).epoch == first.epoch);
    CHECK(msg::unpack_stamp(msg::pack_stamp(first)).seq == 1);

    const auto body = encode(0, msg::TrackerEvent{msg::event::kFileAdded, "g1", "bob", "", "a.bin"});
    auto stamped = msg::restamp(body, first);
    REQUIRE(stamped.ok());
    const Decoded d = decode_frames({"group.g1", *stamped});
    REQUIRE(std::holds_alternative<SeenEvent>(d));
    const auto& seen = std::get<SeenEvent>(d);
    CHECK(seen.event.file == "a.bin");
    CHECK(seen.stamp.epoch == first.epoch);
    CHECK(seen.stamp.seq == 1);

    CHECK_FALSE(msg::restamp("not msgpack", first).ok());
}
