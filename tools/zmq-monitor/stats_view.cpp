#include "tools/zmq-monitor/stats_view.hpp"

#include <cstdio>

#include "tools/zmq-monitor/text_escape.hpp"

namespace p2p::monitor {

namespace {

constexpr std::size_t kRecentLines = 6;

std::string rate_text(uint64_t bytes_per_s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%7.1f MB/s", static_cast<double>(bytes_per_s) / 1e6);
    return buf;
}

std::string percent(uint64_t done, uint64_t total) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f%%", total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0);
    return buf;
}

}  // namespace

void StatsView::add(const SeenEvent& seen) {
    ++events_;
    if (seen.process && !seen.process->file.empty()) {
        const auto& p = *seen.process;
        auto& d = downloads_[{p.process, {p.group, p.file}}];
        d.done = p.pieces_done;
        d.total = p.pieces_total;
        d.rate = p.rate;
        d.sources = p.sources;
        namespace pe = msg::process_event;
        d.state = p.type == pe::kDownloadFinished ? "finished" : p.type == pe::kDownloadFailed ? "failed" : "fetching";
        return;
    }
    if (seen.process) return;
    namespace ev = msg::event;
    const auto& e = seen.event;
    const FileKey file{e.group, e.file};
    if (e.type == ev::kFileAdded || e.type == ev::kSourceCompleted) sources_[file][e.user] = true;
    if (e.type == ev::kSourceAdded) sources_[file].try_emplace(e.user, false);
    if (e.type == ev::kSourceRemoved) sources_[file].erase(e.user);
    if (e.type == ev::kFileRemoved) sources_.erase(file);
}

void StatsView::note(const std::string& line) {
    recent_.push_back(line);
    while (recent_.size() > kRecentLines) recent_.pop_front();
}

std::string StatsView::render(const std::string& now_text) const {
    std::string out = "zmq-monitor --stats  " + now_text + "  (" + std::to_string(events_) + " events, " +
                      std::to_string(lost_) + " lost)\n\nDOWNLOADS\n";
    if (downloads_.empty()) out += "  (none seen: start nodes with --events and watch those endpoints)\n";
    for (const auto& [key, d] : downloads_) {
        const auto& [process, file] = key;
        out += "  " + text_word(process) + "  " + text_word(file.first + "/" + file.second) + "  " +
               std::to_string(d.done) + "/" + std::to_string(d.total) + " " + percent(d.done, d.total) + "  " +
               rate_text(d.state == "fetching" ? d.rate : 0) + "  " + std::to_string(d.sources) + " sources  " +
               d.state + "\n";
    }
    // A file's swarm: its sources as the tracker announced them (a
    // downloader is a partial source from its start); for a file no tracker
    // event spoke of, the downloads seen (complete once finished, partial
    // while fetching).
    std::map<FileKey, std::pair<std::size_t, std::size_t>> swarms;  // complete, partial
    for (const auto& [file, users] : sources_) {
        for (const auto& [user, complete] : users) ++(complete ? swarms[file].first : swarms[file].second);
    }
    for (const auto& [key, d] : downloads_) {
        if (sources_.count(key.second)) continue;
        if (d.state == "finished") ++swarms[key.second].first;
        if (d.state == "fetching") ++swarms[key.second].second;
    }
    out += "\nSWARMS\n";
    if (swarms.empty()) out += "  (no file seen yet)\n";
    for (const auto& [file, counts] : swarms) {
        out += "  " + text_word(file.first + "/" + file.second) + "  " + std::to_string(counts.first + counts.second) +
               " peers (" + std::to_string(counts.first) + " complete, " + std::to_string(counts.second) +
               " partial)\n";
    }
    out += "\nRECENT\n";
    for (const auto& line : recent_) out += "  " + line + "\n";
    return out;
}

}  // namespace p2p::monitor
