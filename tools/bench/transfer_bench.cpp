#include "transfer_bench.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "actors/curve.hpp"
#include "child_process.hpp"
#include "free_ports.hpp"
#include "libtorrent_reference.hpp"
#include "progress_log.hpp"
#include "raw_tcp_copy.hpp"
#include "report_table.hpp"
#include "support.hpp"
#include "tracker_cluster.hpp"

namespace bench {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* kUsage = R"(usage: bench transfer [--size BYTES] [--bin DIR] [--keep] [--json] [--no-libtorrent] [--plot PREFIX]
                       [--cases LIST]

Moves one random file through p2pshare on 127.0.0.1 and times it against a
raw TCP copy of the same file (sendfile -> recv + write), all in one run:
  raw    the reference: one TCP stream, no hashing, no protocol
  1->1   one source, one downloader
  3->1   three sources, one downloader
  1->3   one source, three downloaders at once (until the last is done)
  libtorrent 1->1, 3->1   the same file through libtorrent 2.0 (tuned, TCP),
         when a python3 can import it (Debian: python3-libtorrent)
Wall time runs from typing download_file to the "complete and verified"
notice, so it includes the downloader's whole-file check; libtorrent's runs
from add_torrent to torrent_finished. Each case uses fresh downloader
processes; their peak RSS (VmHWM) is reported (libtorrent: anonymous memory,
as it maps the file it writes). CPU s is the user + system time of every
p2pshare node during the case (downloaders, then sources): on a shared,
busy machine it moves far less than the wall time. Every case starts after
sync(2): the dirty pages an earlier case left are on disk, so their
writeback does not run (and cost CPU) during the next case.

--size BYTES  file size, suffix K, M or G (default 1G)
--bin DIR     where tracker and node are (default: bench's own directory)
--keep        keep the temp dir
--json        one JSON object per case instead of the table
--no-libtorrent  leave out the libtorrent cases
--cases LIST  the p2pshare cases to run, comma-separated, of 1-1, 3-1, 1-3,
              plain (default: all); the raw copy always runs
--plot PREFIX the 1->3 case's progress of each downloader over time (from
              the nodes' --events ports, about once a second) as PREFIX.csv
              (seconds,node,pieces_done,pieces_total,percent,rate_bytes_per_s,
              sources) and, when gnuplot is installed (Debian: gnuplot-nox),
              PREFIX.png; e.g. --plot docs/swarm-progress

Example:
  bench transfer --size 256M
  bench transfer --size 512M --no-libtorrent --plot docs/swarm-progress
)";

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

// Random bytes fast enough that making a 1 GiB file takes a second, not ten.
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

class Swarm {
public:
    // plain: every process runs --plain (no CURVE), to measure what encryption costs.
    Swarm(fs::path bin, fs::path dir, bool plain)
        : bin_(std::move(bin)), dir_(std::move(dir)), plain_(plain), tracker_(bin_, dir_, 1, plain) {
        tracker_.start(1);
        // Picked once the tracker has bound its ports: they cannot be among these.
        ports_ = pick_free_loopback_ports(14);
    }

    ChildProcess& node(const std::string& name) {
        auto it = nodes_.find(name);
        if (it != nodes_.end()) return it->second;
        const std::string endpoint = "127.0.0.1:" + std::to_string(ports_[nodes_.size()]);
        std::vector<std::string> argv{(bin_ / "node").string(), endpoint, "tracker_info.txt", "--data", "node-" + name};
        if (plain_) argv.push_back("--plain");
        // Its own events (download progress) for --plot; ipc, so no keys.
        argv.push_back("--events");
        argv.push_back(events_endpoint(name));
        auto child = ChildProcess::spawn(argv, dir_);
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

    void say(const std::string& name, const std::string& line) {
        if (!nodes_.at(name).write_stdin(line + "\n")) throw SetupError("node " + name + " stopped reading");
    }

    std::string expect(const std::string& name, const std::string& pattern, std::chrono::milliseconds timeout) {
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
        if (!line) throw SetupError("node " + name + ": no line matching /" + pattern + "/ in time");
        return *line;
    }

    // owner creates group; members join and are accepted.
    void group(const std::string& group, const std::string& owner, const std::vector<std::string>& members) {
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

    pid_t pid(const std::string& name) { return nodes_.at(name).pid(); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& [name, child] : nodes_) out.push_back(name);
        return out;
    }
    std::string events_endpoint(const std::string& name) const {
        return "ipc://" + fs::absolute(dir_ / ("events-" + name)).string();
    }
    void stop(const std::string& name) {
        auto it = nodes_.find(name);
        if (it == nodes_.end()) return;
        it->second.write_stdin("quit\n");
        if (!it->second.wait_exit(5s)) it->second.kill_and_reap();
        nodes_.erase(it);
    }

private:
    fs::path bin_;
    fs::path dir_;
    bool plain_ = false;
    TrackerCluster tracker_;
    std::vector<uint16_t> ports_;
    std::map<std::string, ChildProcess> nodes_;
};

struct CaseResult {
    std::string name;
    double seconds = 0;
    uint64_t peak_rss_kib = 0;
    std::string detail;
    double downloader_cpu = -1;  // s of user + system, all downloaders; < 0: not measured
    double source_cpu = -1;      // s, every other node of the swarm
    double load = -1;            // 1-minute load average at the start
    std::string threads;         // the first downloader's busiest threads, "name s, ..."
};

double cpu_of(pid_t pid) { return cpu_seconds(pid).value_or(0); }

// "ZMQbg/IO/0 1.23, piece-worker-0 0.80, ..." for the threads that used CPU since `before`.
std::string thread_cpu_text(const std::vector<ThreadCpu>& before, const std::vector<ThreadCpu>& after) {
    std::vector<std::pair<double, std::string>> used;
    for (const auto& t : after) {
        double was = 0;
        for (const auto& b : before) {
            if (b.tid == t.tid) was = b.seconds;
        }
        if (t.seconds - was >= 0.01) used.emplace_back(t.seconds - was, t.name);
    }
    std::sort(used.rbegin(), used.rend());
    std::string text;
    for (const auto& [secs, name] : used) text += (text.empty() ? "" : ", ") + name + " " + fixed(secs, 2);
    return text;
}

// Downloads `file` in `group` into a fresh dir by each downloader at once;
// returns the time until the last one reports its verified copy.
// plot: when not empty, each downloader's progress goes to PLOT.csv (and
// PLOT.png when gnuplot is installed).
CaseResult run_case(Swarm& swarm, const std::string& name, const std::string& group,
                    const std::vector<std::string>& downloaders, const fs::path& work, const fs::path& plot = {}) {
    CaseResult r;
    r.name = name;
    for (const auto& d : downloaders) fs::create_directories(work / ("down-" + d));
    const auto is_downloader = [&](const std::string& n) {
        return std::find(downloaders.begin(), downloaders.end(), n) != downloaders.end();
    };
    ::sync();  // the earlier cases' writeback is not this case's cost
    std::map<std::string, double> cpu_before;
    for (const auto& n : swarm.names()) cpu_before[n] = cpu_of(swarm.pid(n));
    const auto threads_before = thread_cpu(swarm.pid(downloaders.front()));
    r.load = load_average_1m().value_or(-1);
    std::unique_ptr<ProgressLog> progress;
    if (!plot.empty()) {
        std::map<std::string, std::string> endpoints;
        for (const auto& d : downloaders) endpoints[d] = swarm.events_endpoint(d);
        progress = std::make_unique<ProgressLog>(endpoints);
    }
    const auto start = Clock::now();
    for (const auto& d : downloaders) swarm.say(d, "download_file " + group + " data.bin down-" + d);
    for (const auto& d : downloaders) {
        swarm.expect(d, "^notice: download of data.bin in " + group + " complete and verified", 600s);
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.downloader_cpu = r.source_cpu = 0;
    for (const auto& [n, was] : cpu_before) (is_downloader(n) ? r.downloader_cpu : r.source_cpu) += cpu_of(swarm.pid(n)) - was;
    r.threads = thread_cpu_text(threads_before, thread_cpu(swarm.pid(downloaders.front())));
    if (progress) {
        progress->stop();
        const fs::path csv = plot.string() + ".csv", png = plot.string() + ".png";
        write_progress_csv(progress->points(), csv);
        std::cerr << "bench: " << name << " progress in " << csv.string() << "\n";
        const auto why_not = plot_progress(csv, png, downloaders, name + ": progress of each downloader");
        std::cerr << "bench: " << (why_not.empty() ? "plot in " + png.string() : "no plot: " + why_not) << "\n";
    }
    for (const auto& d : downloaders) {
        r.peak_rss_kib = std::max<uint64_t>(r.peak_rss_kib, peak_rss_kib(swarm.pid(d)).value_or(0));
        swarm.say(d, "show_downloads");
        const std::string line = swarm.expect(d, "^\\[C\\] \\[" + group + "\\] data.bin", 10s);
        std::smatch m;
        if (std::regex_search(line, m, std::regex(R"(fetched in ([0-9.]+) s, checked in ([0-9.]+) s)"))) {
            if (!r.detail.empty()) r.detail += "; ";
            r.detail += "fetch " + m[1].str() + " s + check " + m[2].str() + " s";
        }
        fs::remove_all(work / ("down-" + d));
    }
    return r;
}

}  // namespace

int transfer_main(const std::vector<std::string>& args) {
    uint64_t size = 1ull << 30;
    fs::path bin = own_bin_dir();
    bool keep = false, json = false, libtorrent = true;
    std::set<std::string> cases{"1-1", "3-1", "1-3", "plain"};
    fs::path plot;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (a == "--keep") {
            keep = true;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--no-libtorrent") {
            libtorrent = false;
        } else if (a == "--cases" && i + 1 < args.size()) {
            cases.clear();
            std::stringstream list(args[++i]);
            for (std::string c; std::getline(list, c, ',');) {
                if (c != "1-1" && c != "3-1" && c != "1-3" && c != "plain") {
                    std::cerr << "error: --cases takes 1-1, 3-1, 1-3 and plain, not " << c << "\n";
                    return 2;
                }
                cases.insert(c);
            }
        } else if ((a == "--size" || a == "--bin" || a == "--plot") && i + 1 < args.size()) {
            if (a == "--plot") {
                plot = fs::absolute(args[++i]);
            } else if (a == "--bin") {
                bin = args[++i];
            } else if (auto s = parse_size(args[++i])) {
                size = *s;
            } else {
                std::cerr << "error: --size wants a size like 256M or 1G\n";
                return 2;
            }
        } else {
            std::cerr << "error: unknown option " << a << "\n" << kUsage;
            return 2;
        }
    }
    try {
        TempDir tmp("p2p-bench-transfer");
        if (keep) tmp.keep();
        const fs::path work = tmp.path();
        make_random_file(work / "data.bin", size);
        std::vector<CaseResult> results;
        ::sync();
        const double raw = raw_tcp_copy(work / "data.bin", work / "raw-copy.bin");
        fs::remove(work / "raw-copy.bin");
        results.push_back(CaseResult{"raw TCP copy", raw, 0, "sendfile -> recv + write", -1, -1, -1, ""});

        Swarm swarm(bin, work, false);
        // One group per case, so that earlier downloaders are not sources;
        // only the cases asked for are set up (each upload hashes the file).
        if (cases.count("1-1")) swarm.group("one", "s1", {"d1"});
        if (cases.count("3-1")) swarm.group("three", "s1", {"s2", "s3", "d2"});
        if (cases.count("1-3")) swarm.group("fan", "s1", {"d3", "d4", "d5"});
        for (const auto& [c, g] : {std::pair{"1-1", "one"}, std::pair{"3-1", "three"}, std::pair{"1-3", "fan"}}) {
            if (!cases.count(c)) continue;
            swarm.say("s1", std::string("upload_file data.bin ") + g);
            swarm.expect("s1", "^ok: sharing data.bin in ", 300s);
        }
        for (const char* s : {"s2", "s3"}) {
            if (!cases.count("3-1")) continue;
            swarm.say(s, "upload_file data.bin three");
            swarm.expect(s, "^ok: sharing data.bin in three", 300s);
        }
        if (cases.count("1-1")) results.push_back(run_case(swarm, "p2pshare 1->1", "one", {"d1"}, work));
        if (cases.count("3-1")) results.push_back(run_case(swarm, "p2pshare 3->1", "three", {"d2"}, work));
        if (cases.count("1-3")) results.push_back(run_case(swarm, "p2pshare 1->3", "fan", {"d3", "d4", "d5"}, work, plot));
        if (cases.count("plain")) {
            // The same 1->1 without CURVE: what encryption costs.
            const fs::path plain_dir = work / "plain";
            fs::create_directories(plain_dir);
            fs::create_hard_link(work / "data.bin", plain_dir / "data.bin");
            Swarm plain(bin, plain_dir, true);
            plain.group("one", "s1", {"d1"});
            plain.say("s1", "upload_file data.bin one");
            plain.expect("s1", "^ok: sharing data.bin in ", 300s);
            results.push_back(run_case(plain, "p2pshare 1->1 --plain", "one", {"d1"}, plain_dir));
        }
        LibtorrentRun lt;
        if (libtorrent) {
            ::sync();
            lt = run_libtorrent_reference(bin, work / "data.bin", work);
        } else {
            lt.skipped = "--no-libtorrent";
        }
        for (const auto& c : lt.cases) {
            results.push_back({c.name, c.seconds, c.anon_peak_kib,
                               "anon RSS; VmHWM " + fixed(static_cast<double>(c.vmhwm_kib) / 1024, 0) +
                                   " MiB with the mapped file",
                               -1, -1, -1, ""});
        }

        const double gib = static_cast<double>(size) / 1e9;
        Table table({"<case", "wall s", "GB/s", "ratio to raw", "downloader peak RSS MiB", "CPU s down+src", "load",
                     "<detail"});
        for (const auto& r : results) {
            const double gbps = gib / r.seconds * (r.name == "p2pshare 1->3" ? 3 : 1);
            if (json) {
                JsonObject o;
                o.add("case", r.name).add("seconds", r.seconds, 3).add("gb_per_s", gbps, 3);
                o.add("ratio_to_raw", raw / r.seconds, 3).add("peak_rss_kib", r.peak_rss_kib).add("detail", r.detail);
                if (r.downloader_cpu >= 0) {
                    o.add("downloader_cpu_s", r.downloader_cpu, 2).add("source_cpu_s", r.source_cpu, 2);
                    o.add("load_1m", r.load, 2).add("downloader_threads", r.threads);
                }
                std::cout << o.str() << "\n";
            } else {
                table.add_row({r.name, fixed(r.seconds, 2), fixed(gbps, 2), fixed(raw / r.seconds, 2),
                               r.peak_rss_kib ? fixed(static_cast<double>(r.peak_rss_kib) / 1024, 1) : "-",
                               r.downloader_cpu >= 0 ? fixed(r.downloader_cpu, 2) + "+" + fixed(r.source_cpu, 2) : "-",
                               r.load >= 0 ? fixed(r.load, 1) : "-", r.detail});
            }
        }
        if (!json) {
            std::cout << "file " << group_digits(size) << " bytes, loopback, one run; "
                      << "1->3 GB/s counts the bytes all three received; every p2pshare case uses CURVE "
                         "(encrypted) except the one marked --plain\n";
            table.print(std::cout);
            for (const auto& r : results) {
                if (!r.threads.empty()) std::cout << "CPU s of the downloader's threads, " << r.name << ": " << r.threads << "\n";
            }
            if (!lt.version.empty()) std::cout << lt.version << ": v1 torrent, 512 KiB pieces, tuned (docs/bench.md)\n";
        }
        if (!lt.skipped.empty()) {
            std::cout << (json ? JsonObject().add("case", "libtorrent").add("skipped", lt.skipped).str()
                               : "libtorrent skipped: " + lt.skipped)
                      << "\n";
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace bench
