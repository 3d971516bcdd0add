#pragma once
// The trackers a bench mode starts: tracker_info.txt with one line per
// tracker (`127.0.0.1:PORT pub=PORT repl=PORT`, three free ports each), one
// process per tracker with its data dir DIR/tN, and what the bench asks of
// them: wait for a log line, read the console's `status`, kill -9 by pid,
// restart. Tracker 1 is the primary at a cold start (every tracker is up and
// none has a history: the lowest number has the best claim).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"

namespace bench {

// What `status` on a tracker's console says (tracker/tracker_server.cpp).
struct TrackerStatus {
    std::string replication;  // the first line after "tracker N at IP:PORT: "
    bool primary = false;
    std::size_t streaming_to = 0;  // a primary: how many standbys it streams to (and waits for)
    uint64_t seq = 0;
    uint64_t durable = 0;
    uint64_t snapshot = 0;
    uint64_t fsyncs = 0;
    uint64_t requests = 0;     // since it started
    uint64_t replayed = 0;     // retried writes answered from the idempotency record
    uint64_t not_primary = 0;  // NotPrimary answers
};

class TrackerCluster {
public:
    // Writes DIR/tracker_info.txt for `trackers` trackers; starts none.
    // peer_timeout_s: passed as --peer-timeout when set.
    // plain: trackers run --plain (the bench's own ZMTP clients speak NULL
    // only); otherwise each gets a CURVE key pair in its data dir and key= in
    // tracker_info.txt, as an operator would set them up.
    // place: where they run (default loopback); its ip goes into
    // tracker_info.txt, and the ports are picked free on the bench's own
    // loopback (a namespace of the trackers' own has them all free).
    TrackerCluster(std::filesystem::path bin_dir, std::filesystem::path dir, std::size_t trackers, bool plain,
                   std::optional<double> peer_timeout_s = std::nullopt, ProcessPlace place = {});
    ~TrackerCluster();  // every tracker still running: `quit`, SIGKILL to its pid after 5 s
    TrackerCluster(const TrackerCluster&) = delete;
    TrackerCluster& operator=(const TrackerCluster&) = delete;

    std::size_t size() const { return trackers_.size(); }
    uint16_t rpc_port(std::size_t n) const { return at(n).port; }
    ChildProcess& process(std::size_t n) { return at(n).child; }
    pid_t pid(std::size_t n) { return at(n).child.pid(); }
    const std::filesystem::path& dir() const { return dir_; }

    // Starts tracker n (1-based; again after a kill: same ports, same data)
    // and waits for its "tracker n: ready" line.
    void start(std::size_t n);
    // Starts tracker n without waiting for anything.
    void launch(std::size_t n);
    // Starts every tracker, then (two or more) waits until tracker 1 says it
    // is primary and every other one that it is synced with tracker 1.
    void start_all(std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // Waits for a line of tracker n's stdout or stderr that contains `text`
    // (earlier lines of that stream are dropped); nullopt after timeout.
    // Timeout 0: only what has already arrived.
    std::optional<std::string> wait_line(std::size_t n, ChildProcess::Stream stream, std::string_view text,
                                         std::chrono::milliseconds timeout);
    // Waits for "notice: tracker n is primary" on its stdout, as above.
    std::optional<std::string> wait_primary(std::size_t n, std::chrono::milliseconds timeout);
    // Waits for "tracker n: synced with tracker p" on its stderr.
    std::optional<std::string> wait_synced(std::size_t n, std::size_t p, std::chrono::milliseconds timeout);
    // Throws SetupError naming the tracker when the wait fails.
    void expect_primary(std::size_t n, std::chrono::milliseconds timeout);
    void expect_synced(std::size_t n, std::size_t p, std::chrono::milliseconds timeout);

    // `status` on its console (throws SetupError when it does not answer).
    TrackerStatus status(std::size_t n);

    void kill(std::size_t n);  // SIGKILL to its pid, then reaped
    // `quit` on its console, SIGKILL after 5 s. True when it exited by itself with 0.
    bool stop(std::size_t n);
    bool running(std::size_t n) { return at(n).child.running(); }

    // Why tracker n is of no use any more, for an error line: its exit and last stderr line.
    std::string problem(std::size_t n, const std::string& what);
    std::string name(std::size_t n) const { return "tracker " + std::to_string(n); }

private:
    struct Tracker {
        uint16_t port = 0;
        ChildProcess child;
    };
    Tracker& at(std::size_t n);
    const Tracker& at(std::size_t n) const;

    std::filesystem::path bin_;
    std::filesystem::path dir_;
    std::optional<double> peer_timeout_s_;
    bool plain_ = false;
    ProcessPlace place_;
    std::vector<Tracker> trackers_;
};

}  // namespace bench
