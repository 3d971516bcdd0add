#pragma once
// The output lines, text or JSON. Pure: the caller passes the time and the
// source endpoint, so tests can pin both.
//
// Text:  2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 group.g1 join_requested group=g1 user=bob
// JSON:  {"ts":"...","source":"...","topic":"group.g1","type":"join_requested","group":"g1","user":"bob","by":"",
//         "file":"","seq":12,"epoch":"9f3a0c11"}   (seq 0, epoch "" when the publisher does not stamp)
#include <chrono>
#include <cstdint>
#include <string>

#include "tools/zmq-monitor/frame_decoder.hpp"
#include "tools/zmq-monitor/link_state.hpp"
#include "tools/zmq-monitor/sequence_check.hpp"

namespace p2p::monitor {

enum class Style { Text, Json };

// Where and when a line's input was received.
struct Stamp {
    std::chrono::system_clock::time_point time;
    std::string source;
};

// UTC, millisecond precision: "2026-11-30T01:02:03.456Z".
std::string iso_utc(std::chrono::system_clock::time_point t);

// Text shows only the non-empty fields; JSON always has every key (empty
// strings included) so consumers need no "is it there" checks.
std::string format_event(const Stamp& stamp, const SeenEvent& seen, Style style);
std::string format_undecodable(const Stamp& stamp, const Undecodable& bad, Style style);
std::string format_decoded(const Stamp& stamp, const Decoded& decoded, Style style);
std::string format_link(const Stamp& stamp, Link link, Style style);

// The line printed before the event that revealed a gap or a restart; ""
// for SeqNote::Kind::None.
//   Text: TIME SOURCE gap: 3 events lost      TIME SOURCE restarted
//   JSON: {"ts":...,"source":...,"gap":3}     {"ts":...,"source":...,"restarted":true}
std::string format_seq_note(const Stamp& stamp, const SeqNote& note, Style style);

struct Tally {
    uint64_t events = 0;
    uint64_t undecodable = 0;
    std::size_t endpoints = 0;
    uint64_t lost = 0;      // events missing from the sequence (gaps)
    uint64_t restarts = 0;  // publisher restarts seen
};

// The one line printed to stderr on exit.
std::string format_summary(const Tally& tally);

}  // namespace p2p::monitor
