#include "tools/zmq-monitor/line_format.hpp"

#include <cstdio>
#include <ctime>

#include "tools/zmq-monitor/text_escape.hpp"

namespace p2p::monitor {

std::string iso_utc(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    // floor, not truncation, so times before 1970 still get 0..999 ms.
    const auto ms = floor<milliseconds>(t.time_since_epoch()).count();
    auto secs = static_cast<std::time_t>(ms / 1000);
    auto milli = static_cast<int>(ms % 1000);
    if (milli < 0) {
        milli += 1000;
        secs -= 1;
    }
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", date, milli);
    return out;
}

namespace {

std::string text_prefix(const Stamp& stamp) { return iso_utc(stamp.time) + " " + text_word(stamp.source); }

std::string json_prefix(const Stamp& stamp) {
    return "{\"ts\":" + json_string(iso_utc(stamp.time)) + ",\"source\":" + json_string(stamp.source);
}

std::string json_stamp(const msg::PublishStamp& s) {
    char epoch[9] = "";
    if (s.stamped()) std::snprintf(epoch, sizeof epoch, "%08x", static_cast<unsigned>(s.epoch));
    return ",\"seq\":" + std::to_string(s.stamped() ? s.seq : 0) + ",\"epoch\":" + json_string(epoch);
}

std::string human_rate(uint64_t bytes_per_s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fMB/s", static_cast<double>(bytes_per_s) / 1e6);
    return buf;
}

void add_text_field(std::string& line, const char* key, const std::string& value) {
    if (value.empty()) return;
    line += " ";
    line += key;
    line += "=";
    line += text_word(value);
}

}  // namespace

namespace {

// A --events publisher's event: its own fields, not a TrackerEvent's.
std::string format_process_event(const Stamp& stamp, const SeenEvent& seen, Style style) {
    const auto& p = *seen.process;
    if (style == Style::Json) {
        return json_prefix(stamp) + ",\"topic\":" + json_string(seen.topic) + ",\"type\":" + json_string(p.type) +
               ",\"process\":" + json_string(p.process) + ",\"socket\":" + json_string(p.socket) +
               ",\"peer\":" + json_string(p.peer) + ",\"detail\":" + json_string(p.detail) +
               ",\"group\":" + json_string(p.group) + ",\"file\":" + json_string(p.file) +
               ",\"pieces_done\":" + std::to_string(p.pieces_done) +
               ",\"pieces_total\":" + std::to_string(p.pieces_total) + ",\"rate\":" + std::to_string(p.rate) +
               ",\"sources\":" + std::to_string(p.sources) + json_stamp(seen.stamp) + "}";
    }
    std::string line = text_prefix(stamp) + " " + text_word(seen.topic) + " " + text_word(p.type);
    add_text_field(line, "process", p.process);
    add_text_field(line, "socket", p.socket);
    add_text_field(line, "peer", p.peer);
    add_text_field(line, "group", p.group);
    add_text_field(line, "file", p.file);
    if (p.pieces_total > 0) {
        line += " pieces=" + std::to_string(p.pieces_done) + "/" + std::to_string(p.pieces_total);
    }
    if (!p.file.empty()) {
        line += " rate=" + human_rate(p.rate) + " sources=" + std::to_string(p.sources);
    }
    add_text_field(line, "detail", p.detail);
    return line;
}

}  // namespace

std::string format_event(const Stamp& stamp, const SeenEvent& seen, Style style) {
    if (seen.process) return format_process_event(stamp, seen, style);
    const auto& e = seen.event;
    if (style == Style::Json) {
        return json_prefix(stamp) + ",\"topic\":" + json_string(seen.topic) + ",\"type\":" + json_string(e.type) +
               ",\"group\":" + json_string(e.group) + ",\"user\":" + json_string(e.user) +
               ",\"by\":" + json_string(e.by) + ",\"file\":" + json_string(e.file) + json_stamp(seen.stamp) + "}";
    }
    std::string line = text_prefix(stamp) + " " + text_word(seen.topic) + " " + text_word(e.type);
    add_text_field(line, "group", e.group);
    add_text_field(line, "user", e.user);
    add_text_field(line, "by", e.by);
    add_text_field(line, "file", e.file);
    return line;
}

std::string format_undecodable(const Stamp& stamp, const Undecodable& bad, Style style) {
    if (style == Style::Json) {
        return json_prefix(stamp) + ",\"topic\":" + json_string(bad.topic) +
               ",\"undecodable\":" + json_string(bad.reason) + ",\"bytes\":" + std::to_string(bad.bytes) + "}";
    }
    // The reason is free text, so only made printable, not split-proof; it
    // is the last thing on the line before the byte count.
    return text_prefix(stamp) + " " + text_word(bad.topic) + " undecodable: " + text_escape(bad.reason) + " (" +
           std::to_string(bad.bytes) + " bytes)";
}

std::string format_decoded(const Stamp& stamp, const Decoded& decoded, Style style) {
    if (const auto* seen = std::get_if<SeenEvent>(&decoded)) return format_event(stamp, *seen, style);
    return format_undecodable(stamp, std::get<Undecodable>(decoded), style);
}

std::string format_link(const Stamp& stamp, Link link, Style style) {
    const std::string name(link_name(link));
    if (style == Style::Json) return json_prefix(stamp) + ",\"connection\":" + json_string(name) + "}";
    return text_prefix(stamp) + " " + name;
}

std::string format_seq_note(const Stamp& stamp, const SeqNote& note, Style style) {
    switch (note.kind) {
        case SeqNote::Kind::None: return {};
        case SeqNote::Kind::Gap:
            if (style == Style::Json) return json_prefix(stamp) + ",\"gap\":" + std::to_string(note.lost) + "}";
            return text_prefix(stamp) + " gap: " + std::to_string(note.lost) + (note.lost == 1 ? " event" : " events") +
                   " lost";
        case SeqNote::Kind::Restarted:
            if (style == Style::Json) return json_prefix(stamp) + ",\"restarted\":true}";
            return text_prefix(stamp) + " restarted";
    }
    return {};
}

std::string format_summary(const Tally& tally) {
    std::string line = "zmq-monitor: " + std::to_string(tally.events) + " events, " +
                       std::to_string(tally.undecodable) + " undecodable, from " + std::to_string(tally.endpoints) +
                       (tally.endpoints == 1 ? " endpoint" : " endpoints");
    // Only when there is something to say, so the common line stays short.
    if (tally.lost > 0) line += ", " + std::to_string(tally.lost) + " lost";
    if (tally.restarts > 0) line += ", " + std::to_string(tally.restarts) + " restarts";
    return line;
}

}  // namespace p2p::monitor
