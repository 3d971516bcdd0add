#include "tracker_cluster.hpp"

#include "actors/curve.hpp"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>

#include "free_ports.hpp"
#include "support.hpp"

namespace bench {

namespace {

bool starts_with(std::string_view line, std::string_view prefix) { return line.substr(0, prefix.size()) == prefix; }

}  // namespace

TrackerCluster::TrackerCluster(std::filesystem::path bin_dir, std::filesystem::path dir, std::size_t trackers,
                               bool plain, std::optional<double> peer_timeout_s, ProcessPlace place)
    : bin_(std::move(bin_dir)),
      dir_(std::move(dir)),
      peer_timeout_s_(peer_timeout_s),
      plain_(plain),
      place_(std::move(place)) {
    const auto tracker_bin = bin_ / "tracker";
    if (::access(tracker_bin.c_str(), X_OK) != 0) {
        throw SetupError("no tracker binary at " + tracker_bin.string() + " (build the tracker target, or pass --bin DIR)");
    }
    const auto ports = pick_free_loopback_ports(3 * trackers);
    std::string info = "# written by bench\n";
    trackers_.resize(trackers);
    for (std::size_t i = 0; i < trackers; ++i) {
        trackers_[i].port = ports[3 * i];
        info += place_.ip + ":" + std::to_string(ports[3 * i]) + " pub=" + std::to_string(ports[3 * i + 1]) +
                " repl=" + std::to_string(ports[3 * i + 2]);
        if (!plain_) {
            const auto keys = p2p::actors::generate_curve_keys();
            const auto data = dir_ / ("t" + std::to_string(i + 1));
            std::filesystem::create_directories(data);
            p2p::actors::write_curve_keys(data, keys);
            info += " key=" + keys.public_key;
        }
        info += "\n";
    }
    write_text_file(dir_ / "tracker_info.txt", info);
}

TrackerCluster::~TrackerCluster() {
    for (std::size_t n = 1; n <= trackers_.size(); ++n) stop(n);
}

TrackerCluster::Tracker& TrackerCluster::at(std::size_t n) {
    if (n == 0 || n > trackers_.size()) throw SetupError("no tracker " + std::to_string(n));
    return trackers_[n - 1];
}

const TrackerCluster::Tracker& TrackerCluster::at(std::size_t n) const {
    if (n == 0 || n > trackers_.size()) throw SetupError("no tracker " + std::to_string(n));
    return trackers_[n - 1];
}

void TrackerCluster::start(std::size_t n) {
    launch(n);
    const std::string ready = name(n) + ": ready";
    if (!at(n).child.wait_for_line(ChildProcess::Stream::err,
                                   [&](std::string_view l) { return starts_with(l, ready); },
                                   std::chrono::seconds(15))) {
        throw SetupError(problem(n, "no '" + ready + "' line within 15 s"));
    }
}

void TrackerCluster::launch(std::size_t n) {
    Tracker& t = at(n);
    if (t.child.running()) throw SetupError(name(n) + " is already running");
    std::vector<std::string> argv = {(bin_ / "tracker").string(), "tracker_info.txt", std::to_string(n), "--data",
                                     (dir_ / ("t" + std::to_string(n))).string()};
    if (plain_) argv.push_back("--plain");
    if (peer_timeout_s_) {
        argv.push_back("--peer-timeout");
        argv.push_back(fixed(*peer_timeout_s_, 3));
    }
    t.child = ChildProcess::spawn(place_.command(std::move(argv)), dir_);
}

void TrackerCluster::start_all(std::chrono::milliseconds timeout) {
    for (std::size_t n = 1; n <= trackers_.size(); ++n) start(n);
    if (trackers_.size() == 1) return;  // the only tracker is primary from the start
    expect_primary(1, timeout);
    for (std::size_t n = 2; n <= trackers_.size(); ++n) expect_synced(n, 1, timeout);
}

std::optional<std::string> TrackerCluster::wait_line(std::size_t n, ChildProcess::Stream stream, std::string_view text,
                                                     std::chrono::milliseconds timeout) {
    return at(n).child.wait_for_line(
        stream, [&](std::string_view l) { return l.find(text) != std::string_view::npos; }, timeout);
}

std::optional<std::string> TrackerCluster::wait_primary(std::size_t n, std::chrono::milliseconds timeout) {
    const std::string prefix = "notice: " + name(n) + " is primary";
    return at(n).child.wait_for_line(ChildProcess::Stream::out,
                                     [&](std::string_view l) { return starts_with(l, prefix); }, timeout);
}

std::optional<std::string> TrackerCluster::wait_synced(std::size_t n, std::size_t p, std::chrono::milliseconds timeout) {
    const std::string prefix = name(n) + ": synced with " + name(p) + " ";
    return at(n).child.wait_for_line(ChildProcess::Stream::err,
                                     [&](std::string_view l) { return starts_with(l, prefix); }, timeout);
}

void TrackerCluster::expect_primary(std::size_t n, std::chrono::milliseconds timeout) {
    if (!wait_primary(n, timeout)) {
        throw SetupError(problem(n, name(n) + " did not say it is primary within " +
                                        fixed(static_cast<double>(timeout.count()) / 1000, 1) + " s"));
    }
}

void TrackerCluster::expect_synced(std::size_t n, std::size_t p, std::chrono::milliseconds timeout) {
    if (!wait_synced(n, p, timeout)) {
        throw SetupError(problem(n, name(n) + " did not say it is synced with " + name(p) + " within " +
                                        fixed(static_cast<double>(timeout.count()) / 1000, 1) + " s"));
    }
}

TrackerStatus TrackerCluster::status(std::size_t n) {
    ChildProcess& child = at(n).child;
    if (!child.write_stdin("status\n")) throw SetupError(problem(n, name(n) + " closed its console"));
    // The answer is one block on stdout: "tracker N at IP:PORT: <replication>",
    // then the counters; the journal line is the one the bench reads.
    const std::string head = name(n) + " at ";
    const auto first = child.wait_for_line(
        ChildProcess::Stream::out, [&](std::string_view l) { return starts_with(l, head); }, std::chrono::seconds(5));
    const auto journal = first ? child.wait_for_line(
                                     ChildProcess::Stream::out,
                                     [](std::string_view l) { return starts_with(l, "journal seq "); },
                                     std::chrono::seconds(5))
                               : std::nullopt;
    const auto counters = journal ? child.wait_for_line(
                                        ChildProcess::Stream::out,
                                        [](std::string_view l) { return starts_with(l, "requests "); },
                                        std::chrono::seconds(5))
                                  : std::nullopt;
    if (!counters) throw SetupError(problem(n, name(n) + " did not answer 'status' within 5 s"));
    TrackerStatus st;
    const auto colon = first->find(": ", head.size());
    st.replication = colon == std::string::npos ? *first : first->substr(colon + 2);
    st.primary = starts_with(st.replication, "primary");
    if (const auto at_streaming = st.replication.find("streaming to "); at_streaming != std::string::npos) {
        st.streaming_to = static_cast<std::size_t>(std::strtoul(st.replication.c_str() + at_streaming + 13, nullptr, 10));
    }
    if (std::sscanf(journal->c_str(),
                    "journal seq %" SCNu64 " (durable %" SCNu64 ", snapshot %" SCNu64 ", %" SCNu64 " fsyncs)", &st.seq,
                    &st.durable, &st.snapshot, &st.fsyncs) != 4) {
        throw SetupError("cannot read " + name(n) + "'s status line '" + *journal + "'");
    }
    uint64_t malformed = 0, refused = 0;
    if (std::sscanf(counters->c_str(),
                    "requests %" SCNu64 ", malformed %" SCNu64 ", refused %" SCNu64 ", replayed %" SCNu64
                    ", not primary %" SCNu64,
                    &st.requests, &malformed, &refused, &st.replayed, &st.not_primary) != 5) {
        throw SetupError("cannot read " + name(n) + "'s status line '" + *counters + "'");
    }
    return st;
}

void TrackerCluster::kill(std::size_t n) { at(n).child.kill_and_reap(); }

bool TrackerCluster::stop(std::size_t n) {
    ChildProcess& child = at(n).child;
    if (child.pid() <= 0 || !child.running()) return true;
    if (child.write_stdin("quit\n") && child.wait_exit(std::chrono::seconds(5))) {
        return child.exit_description() == "exited with status 0";
    }
    child.kill_and_reap();
    return false;
}

std::string TrackerCluster::problem(std::size_t n, const std::string& what) {
    ChildProcess& child = at(n).child;
    // A tracker that just closed its output may not be reapable yet.
    child.wait_exit(std::chrono::milliseconds(300));
    std::string why = what;
    if (!child.running()) why = name(n) + " " + child.exit_description();
    const auto& err = child.recent_stderr();
    if (!err.empty()) why += " (its last words: " + err.back() + ")";
    return why;
}

}  // namespace bench
