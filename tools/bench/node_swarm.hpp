#pragma once
// What the modes that move files share: a test file of random bytes, and a
// swarm of nodes (one tracker, nodes started on demand, each with a user of
// its own name, logged in) that the bench types REPL commands into.
// bench transfer runs its swarm on loopback; bench swarm places the tracker
// and each node in a network namespace of its own (ProcessPlace).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "child_process.hpp"
#include "tracker_cluster.hpp"

namespace bench {

// "256M" -> 268435456 (suffix K, M or G, powers of two); nullopt when malformed.
std::optional<uint64_t> parse_size(const std::string& text);

// Random bytes fast enough that making a 1 GiB file takes a second, not ten.
void make_random_file(const std::filesystem::path& path, uint64_t size);

class NodeSwarm {
public:
    // plain: every process runs --plain (no CURVE), to measure what encryption costs.
    // tracker_place: where the one tracker runs (default loopback).
    NodeSwarm(std::filesystem::path bin, std::filesystem::path dir, bool plain, ProcessPlace tracker_place = {});

    // The node called name, started on loopback when it is not running yet.
    ChildProcess& node(const std::string& name) { return node(name, ProcessPlace{}); }
    // Starts it at place when it is not running yet (IP:7000 off loopback,
    // where the place's address is its own), creates user `name` and logs in.
    ChildProcess& node(const std::string& name, const ProcessPlace& place);

    void say(const std::string& name, const std::string& line);
    // The next stdout line of node `name` matching pattern (a regex). Throws
    // SetupError on an "error: " line, a download's "stopped" notice, or none in time.
    std::string expect(const std::string& name, const std::string& pattern, std::chrono::milliseconds timeout);
    // The same, but nullopt when no line matches in time (timeout 0: only what has arrived).
    std::optional<std::string> poll_line(const std::string& name, const std::string& pattern,
                                         std::chrono::milliseconds timeout);

    // owner creates group; members join and are accepted (each started on loopback if not running).
    void group(const std::string& group, const std::string& owner, const std::vector<std::string>& members);

    pid_t pid(const std::string& name) { return nodes_.at(name).pid(); }
    std::vector<std::string> names() const;
    std::string events_endpoint(const std::string& name) const;
    void stop(const std::string& name);
    // Stops the node and deletes its data dir (shares, resume records). Stopped
    // first: a downloader keeps its finished file open to serve it, and the
    // file's page-cache pages are freed only when the last descriptor closes.
    void discard(const std::string& name);
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path bin_;
    std::filesystem::path dir_;
    bool plain_ = false;
    TrackerCluster tracker_;
    std::map<std::string, ChildProcess> nodes_;
};

}  // namespace bench
