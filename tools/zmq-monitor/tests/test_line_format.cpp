#include <catch2/catch.hpp>
#include <chrono>

#include "tools/zmq-monitor/line_format.hpp"

using namespace p2p;
using namespace p2p::monitor;
using namespace std::chrono;

namespace {

// 2026-11-30T01:02:03.456Z
const system_clock::time_point kTime = system_clock::time_point(seconds(1796000523)) + milliseconds(456);

Stamp stamp() { return Stamp{kTime, "tcp://127.0.0.1:6001"}; }

}  // namespace

TEST_CASE("iso_utc prints UTC with milliseconds") {
    CHECK(iso_utc(kTime) == "2026-11-30T01:02:03.456Z");
    CHECK(iso_utc(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
    CHECK(iso_utc(system_clock::time_point(milliseconds(-1))) == "1969-12-31T23:59:59.999Z");
    CHECK(iso_utc(kTime + microseconds(999)) == "2026-11-30T01:02:03.456Z");  // truncated, not rounded
}

TEST_CASE("text event lines show only the non-empty fields") {
    const SeenEvent join{"group.g1", msg::TrackerEvent{"join_requested", "g1", "bob", ""}};
    CHECK(format_event(stamp(), join, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 group.g1 join_requested group=g1 user=bob");

    const SeenEvent accepted{"user.bob", msg::TrackerEvent{"request_accepted", "g1", "bob", "alice"}};
    CHECK(format_event(stamp(), accepted, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 user.bob request_accepted group=g1 user=bob by=alice");

    const SeenEvent hostile{"group.a b", msg::TrackerEvent{"x\ny", "a b", "\x1b[2J", ""}};
    CHECK(format_event(stamp(), hostile, Style::Text) ==
          R"(2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 group.a\x20b x\x0Ay group=a\x20b user=\x1B[2J)");

    const SeenEvent empty_topic{"", msg::TrackerEvent{"member_left", "g1", "bob", ""}};
    CHECK(format_event(stamp(), empty_topic, Style::Text) ==
          R"(2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 "" member_left group=g1 user=bob)");
}

TEST_CASE("JSON event lines have every key, escaped") {
    const SeenEvent join{"group.g1", msg::TrackerEvent{"join_requested", "g1", "bob", ""}};
    CHECK(format_event(stamp(), join, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","topic":"group.g1",)"
          R"("type":"join_requested","group":"g1","user":"bob","by":"","file":"","seq":0,"epoch":""})");

    const SeenEvent hostile{"group.\"q\"", msg::TrackerEvent{"t", "a\\b", "\xff", "new\nline"}};
    CHECK(format_event(stamp(), hostile, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","topic":"group.\"q\"",)"
          R"("type":"t","group":"a\\b","user":"\ufffd","by":"new\nline","file":"","seq":0,"epoch":""})");

    const SeenEvent stamped{"group.g1", msg::TrackerEvent{"file_added", "g1", "bob", "", "a.bin"},
                            msg::PublishStamp{0x9f3a0c11, 12}};
    CHECK(format_event(stamp(), stamped, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","topic":"group.g1",)"
          R"("type":"file_added","group":"g1","user":"bob","by":"","file":"a.bin","seq":12,"epoch":"9f3a0c11"})");
}

TEST_CASE("undecodable lines give the reason and the size") {
    const Undecodable bad{"group.g1", "envelope body is not a map", 42};
    CHECK(format_undecodable(stamp(), bad, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 group.g1 undecodable: envelope body is not a map (42 bytes)");
    CHECK(format_undecodable(stamp(), bad, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","topic":"group.g1",)"
          R"("undecodable":"envelope body is not a map","bytes":42})");

    const Undecodable binary{"\x01\xff", "bad\nreason", 3};
    CHECK(format_undecodable(stamp(), binary, Style::Text) ==
          R"(2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 \x01\xFF undecodable: bad\x0Areason (3 bytes))");
    CHECK(format_decoded(stamp(), Decoded{binary}, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","topic":"\u0001\ufffd",)"
          R"("undecodable":"bad\nreason","bytes":3})");
}

TEST_CASE("connection lines") {
    CHECK(format_link(stamp(), Link::Connected, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 connected");
    CHECK(format_link(stamp(), Link::Retrying, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","connection":"retrying"})");
}

TEST_CASE("gap and restart lines") {
    CHECK(format_seq_note(stamp(), SeqNote{SeqNote::Kind::Gap, 3}, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 gap: 3 events lost");
    CHECK(format_seq_note(stamp(), SeqNote{SeqNote::Kind::Gap, 1}, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 gap: 1 event lost");
    CHECK(format_seq_note(stamp(), SeqNote{SeqNote::Kind::Gap, 3}, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","gap":3})");
    CHECK(format_seq_note(stamp(), SeqNote{SeqNote::Kind::Restarted, 0}, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 restarted");
    CHECK(format_seq_note(stamp(), SeqNote{SeqNote::Kind::Restarted, 0}, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","restarted":true})");
    CHECK(format_seq_note(stamp(), SeqNote{}, Style::Text).empty());
}

TEST_CASE("summary line") {
    Tally with_losses{7, 1, 2};
    with_losses.lost = 4;
    with_losses.restarts = 1;
    CHECK(format_summary(with_losses) == "zmq-monitor: 7 events, 1 undecodable, from 2 endpoints, 4 lost, 1 restarts");
    CHECK(format_summary(Tally{7, 1, 2}) == "zmq-monitor: 7 events, 1 undecodable, from 2 endpoints");
    CHECK(format_summary(Tally{0, 0, 1}) == "zmq-monitor: 0 events, 0 undecodable, from 1 endpoint");
}

TEST_CASE("process event lines (--events publishers)") {
    msg::ProcessEvent p;
    p.type = msg::process_event::kDownloadProgress;
    p.process = "node-127.0.0.1:7001";
    p.group = "g";
    p.file = "big.bin";
    p.pieces_done = 212;
    p.pieces_total = 512;
    p.rate = 48'300'000;
    p.sources = 3;
    const SeenEvent seen{"download.g", msg::TrackerEvent{p.type, {}, {}, {}}, msg::PublishStamp{0xabc, 7}, p};
    CHECK(format_event(stamp(), seen, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 download.g download_progress process=node-127.0.0.1:7001 "
          "group=g file=big.bin pieces=212/512 rate=48.3MB/s sources=3");
    CHECK(format_event(stamp(), seen, Style::Json) ==
          R"({"ts":"2026-11-30T01:02:03.456Z","source":"tcp://127.0.0.1:6001","topic":"download.g",)"
          R"("type":"download_progress","process":"node-127.0.0.1:7001","socket":"","peer":"","detail":"",)"
          R"("group":"g","file":"big.bin","pieces_done":212,"pieces_total":512,"rate":48300000,"sources":3,)"
          R"("seq":7,"epoch":"00000abc"})");

    msg::ProcessEvent s;
    s.type = msg::process_event::kHandshakeFailed;
    s.process = "tracker-1";
    s.socket = "pub";
    s.peer = "tcp://127.0.0.1:6001";
    s.detail = "auth: key refused (status 400)";
    const SeenEvent sock{"socket.pub", msg::TrackerEvent{s.type, {}, {}, {}}, {}, s};
    CHECK(format_event(stamp(), sock, Style::Text) ==
          "2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 socket.pub handshake_failed process=tracker-1 socket=pub "
          "peer=tcp://127.0.0.1:6001 detail=auth:\\x20key\\x20refused\\x20(status\\x20400)");
}
