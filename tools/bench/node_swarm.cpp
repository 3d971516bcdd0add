#include "node_swarm.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <regex>

#include "free_ports.hpp"
#include "support.hpp"

namespace bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::optional<uint64_t> parse_size(const std::string& text) {
    if (text.empty()) return std::nullopt;
    uint64_t mult = 1;
    std::string digits = text;
    switch (text.back()) {
        case 'K': mult = 1ull << 10; digits.pop_back(); break;
        case 'M': mult = 1ull << 20; digits.pop_back(); break;
        case 'G': mult = 1ull << 30; digits.pop_back(); break;
        default: break;
    }
    auto n = parse_long(digits, 1, 1L << 40);
    if (!n) return std::nullopt;
    return static_cast<uint64_t>(*n) * mult;
}

void make_random_file(const fs::path& path, uint64_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw SetupError("cannot create " + path.string());
    std::mt19937_64 rng(std::random_device{}());
    std::vector<uint64_t> buf(1 << 17);  // 1 MiB
    uint64_t left = size;
    while (left > 0) {
        for (auto& w : buf) w = rng();
        const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(left, buf.size() * 8));
        if (::write(fd, buf.data(), n) != static_cast<ssize_t>(n)) {
            ::close(fd);
            throw SetupError("cannot write " + path.string());
        }
        left -= n;
    }
    ::close(fd);
}

NodeSwarm::NodeSwarm(fs::path bin, fs::path dir, bool plain, ProcessPlace tracker_place)
    : bin_(std::move(bin)),
      dir_(std::move(dir)),
      plain_(plain),
      tracker_(bin_, dir_, 1, plain, std::nullopt, std::move(tracker_place)) {
    tracker_.start(1);
}

ChildProcess& NodeSwarm::node(const std::string& name, const ProcessPlace& place) {
    auto it = nodes_.find(name);
    if (it != nodes_.end()) return it->second;
    // On loopback, picked as each node starts, once the tracker and every
    // running node have bound theirs (so none of those is picked again);
    // nodes come and go between runs, so no list picked up front would do.
    const uint16_t port = place.loopback() ? pick_free_loopback_ports(1).front() : 7000;
    const std::string endpoint = place.ip + ":" + std::to_string(port);
    std::vector<std::string> argv{(bin_ / "node").string(), endpoint, "tracker_info.txt", "--data", "node-" + name};
    if (plain_) argv.push_back("--plain");
    // Its own events (download progress) for --plot; ipc, so no keys.
    argv.push_back("--events");
    argv.push_back(events_endpoint(name));
    auto child = ChildProcess::spawn(place.command(std::move(argv)), dir_);
    if (!child.wait_for_line(ChildProcess::Stream::err,
                             [](std::string_view l) { return l.rfind("node: ready", 0) == 0; }, 15s)) {
        throw SetupError("node " + name + " did not start");
    }
    auto& n = nodes_.emplace(name, std::move(child)).first->second;
    say(name, "create_user " + name + " pw");
    expect(name, "^ok: user ", 15s);
    say(name, "login " + name + " pw");
    expect(name, "^ok: logged in", 15s);
    return n;
}

void NodeSwarm::say(const std::string& name, const std::string& line) {
    if (!nodes_.at(name).write_stdin(line + "\n")) throw SetupError("node " + name + " stopped reading");
}

std::optional<std::string> NodeSwarm::poll_line(const std::string& name, const std::string& pattern,
                                                std::chrono::milliseconds timeout) {
    const std::regex re(pattern);
    std::string error;
    auto line = nodes_.at(name).wait_for_line(
        ChildProcess::Stream::out,
        [&](std::string_view l) {
            const std::string s(l);
            // A download that stops reports it as a notice, not an error line.
            if (s.rfind("error: ", 0) == 0 ||
                (s.rfind("notice: download of ", 0) == 0 && s.find(" stopped: ") != std::string::npos)) {
                error = s;
            }
            return !error.empty() || std::regex_search(s, re);
        },
        timeout);
    if (!error.empty()) throw SetupError("node " + name + ": " + error);
    return line;
}

std::string NodeSwarm::expect(const std::string& name, const std::string& pattern, std::chrono::milliseconds timeout) {
    auto line = poll_line(name, pattern, timeout);
    if (!line) throw SetupError("node " + name + ": no line matching /" + pattern + "/ in time");
    return *line;
}

void NodeSwarm::group(const std::string& group, const std::string& owner, const std::vector<std::string>& members) {
    node(owner);
    say(owner, "create_group " + group);
    expect(owner, "^ok: group ", 10s);
    for (const auto& m : members) {
        node(m);
        say(m, "join_group " + group);
        expect(m, "^ok: request ", 10s);
        say(owner, "accept_request " + group + " " + m);
        expect(owner, "^ok: " + m + " is now a member", 10s);
    }
}

std::vector<std::string> NodeSwarm::names() const {
    std::vector<std::string> out;
    for (const auto& [name, child] : nodes_) out.push_back(name);
    return out;
}

std::string NodeSwarm::events_endpoint(const std::string& name) const {
    return "ipc://" + fs::absolute(dir_ / ("events-" + name)).string();
}

void NodeSwarm::stop(const std::string& name) {
    auto it = nodes_.find(name);
    if (it == nodes_.end()) return;
    it->second.write_stdin("quit\n");
    if (!it->second.wait_exit(5s)) it->second.kill_and_reap();
    nodes_.erase(it);
}

void NodeSwarm::discard(const std::string& name) {
    stop(name);
    fs::remove_all(dir_ / ("node-" + name));
}

}  // namespace bench
