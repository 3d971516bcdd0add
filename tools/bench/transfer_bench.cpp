#include "transfer_bench.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "libtorrent_reference.hpp"
#include "messages/file_meta.hpp"
#include "messages/sha256.hpp"
#include "node_swarm.hpp"
#include "progress_log.hpp"
#include "raw_tcp_copy.hpp"
#include "report_table.hpp"
#include "support.hpp"

namespace bench {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* kUsage = R"(usage: bench transfer [--size BYTES] [--bin DIR] [--keep] [--json] [--no-libtorrent] [--plot PREFIX]
                       [--cases LIST] [--runs N]

Moves one random file through p2pshare on 127.0.0.1 and times it against
two copies of the same file over one TCP stream, all in one run:
  raw       the reference: sendfile -> recv + write, no hashing, no protocol
  verified  the floor for a verified transfer: sendfile -> recv 512 KiB
            pieces, each SHA-256'd, checked and pwritten by one of two
            threads (as a node's piece workers), no protocol, no encryption
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

Every case, the copies included, runs N times (--runs), interleaved: in
each round the two copies, then each case, then libtorrent. The table gives
the median wall time with the fastest and slowest run beside it; GB/s and
the ratios are of the medians; CPU s, load, detail and the threads
are those of the median run, peak RSS the highest of any run. Each run
starts like every other: after a file of the same size was written,
deleted and synced (a discarded raw copy opens each round), with its
downloaders stopped and their files deleted before the next run.

--size BYTES  file size, suffix K, M or G (default 1G)
--bin DIR     where tracker and node are (default: bench's own directory)
--keep        keep the temp dir
--json        one JSON object per case instead of the table
--no-libtorrent  leave out the libtorrent cases
--cases LIST  the p2pshare cases to run, comma-separated, of 1-1, 3-1, 1-3,
              plain (default: all); the two copies always run
--runs N      runs of every case, 1 to 100 (default 3); the table reports
              the median: a single run can be off several times over on a
              VM (docs/bench.md, "Why runs are repeated")
--plot PREFIX the first 1->3 run's progress of each downloader over time (from
              the nodes' --events ports, about once a second) as PREFIX.csv
              (seconds,node,pieces_done,pieces_total,percent,rate_bytes_per_s,
              sources) and, when gnuplot is installed (Debian: gnuplot-nox),
              PREFIX.png; e.g. --plot docs/swarm-progress

Example:
  bench transfer --size 256M
  bench transfer --size 1G --no-libtorrent --cases 1-1,plain --runs 5
  bench transfer --size 512M --no-libtorrent --plot docs/swarm-progress
)";

// The file's piece hashes (32 raw bytes each), for the verified copy to
// check against; made once, untimed.
std::vector<std::string> piece_hashes_of(const fs::path& path, uint32_t piece_size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SetupError("cannot read " + path.string());
    std::vector<std::string> hashes;
    std::vector<char> buf(piece_size);
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n <= 0) break;
        hashes.push_back(p2p::files::sha256(buf.data(), static_cast<std::size_t>(n)));
    }
    ::close(fd);
    return hashes;
}

struct CaseResult {
    std::string name;
    double seconds = 0;
    uint64_t peak_rss_kib = 0;
    std::string detail;
    double downloader_cpu = -1;  // s of user + system, all downloaders; < 0: not measured
    double source_cpu = -1;      // s, every other node of the swarm
    double load = -1;            // 1-minute load average at the start
    std::string threads;         // the first downloader's busiest threads, "name s, ..."
    int copies = 1;              // copies of the file received (1->3: three)
};

// A p2pshare case: who shares the file and who downloads it, in which swarm.
struct CaseSpec {
    std::string key;    // its name in --cases
    std::string title;  // its row in the table
    bool plain = false; // in the swarm without CURVE
    std::string group;
    std::vector<std::string> sources;  // the first one owns the group
    std::vector<std::string> downloaders;
};

const std::vector<CaseSpec>& all_cases() {
    static const std::vector<CaseSpec> cases = {
        {"1-1", "p2pshare 1->1", false, "one", {"s1"}, {"d1"}},
        {"3-1", "p2pshare 3->1", false, "three", {"s1", "s2", "s3"}, {"d2"}},
        {"1-3", "p2pshare 1->3", false, "fan", {"s1"}, {"d3", "d4", "d5"}},
        // The same 1->1 without CURVE: what encryption costs.
        {"plain", "p2pshare 1->1 --plain", true, "one", {"s1"}, {"d1"}},
    };
    return cases;
}

// Each run has its own group and downloaders: no earlier downloader is a
// source, and each downloader's peak RSS is its own run's.
std::string in_run(const std::string& name, int run) { return name + "-r" + std::to_string(run); }

std::vector<std::string> downloaders_of(const CaseSpec& c, int run) {
    std::vector<std::string> out;
    for (const auto& d : c.downloaders) out.push_back(in_run(d, run));
    return out;
}

// The case's group for `run`, its members accepted and the file shared by
// every source (each upload hashes the file; none of it is timed).
void prepare_case(NodeSwarm& swarm, const CaseSpec& c, int run) {
    const std::string group = in_run(c.group, run);
    std::vector<std::string> members(c.sources.begin() + 1, c.sources.end());
    for (const auto& d : downloaders_of(c, run)) members.push_back(d);
    swarm.group(group, c.sources.front(), members);
    for (const auto& s : c.sources) {
        swarm.say(s, "upload_file data.bin " + group);
        swarm.expect(s, "^ok: sharing data.bin in " + group, 300s);
    }
}

// The reference, run the way every case is: after sync(2), into a new file
// deleted at once, so that the next run starts from the same memory state.
CaseResult raw_case(const fs::path& work) {
    ::sync();
    CaseResult r;
    r.name = "raw TCP copy";
    r.detail = "sendfile -> recv + write";
    r.load = load_average_1m().value_or(-1);
    r.seconds = raw_tcp_copy(work / "data.bin", work / "raw-copy.bin");
    fs::remove(work / "raw-copy.bin");
    return r;
}

// The floor for a verified transfer, run like the raw copy.
CaseResult verified_case(const fs::path& work, const std::vector<std::string>& hashes) {
    ::sync();
    CaseResult r;
    r.name = "verified TCP copy";
    r.detail = "sendfile -> recv, SHA-256 + pwrite on 2 threads";
    r.load = load_average_1m().value_or(-1);
    r.seconds = verified_tcp_copy(work / "data.bin", work / "verified-copy.bin", hashes, p2p::files::kPieceSize);
    fs::remove(work / "verified-copy.bin");
    return r;
}

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

// "fetch 1.80 s + check 0.01 s; ..." from each downloader's show_downloads;
// raises peak_rss_kib to the highest downloader's VmHWM.
std::string downloads_detail(NodeSwarm& swarm, const std::string& group, const std::vector<std::string>& downloaders,
                             uint64_t& peak_rss) {
    std::string detail;
    for (const auto& d : downloaders) {
        peak_rss = std::max<uint64_t>(peak_rss, peak_rss_kib(swarm.pid(d)).value_or(0));
        swarm.say(d, "show_downloads");
        const std::string line = swarm.expect(d, "^\\[C\\] \\[" + group + "\\] data.bin", 10s);
        std::smatch m;
        if (std::regex_search(line, m, std::regex(R"(fetched in ([0-9.]+) s, checked in ([0-9.]+) s)"))) {
            if (!detail.empty()) detail += "; ";
            detail += "fetch " + m[1].str() + " s + check " + m[2].str() + " s";
        }
    }
    return detail;
}

// The downloaders' progress as PLOT.csv, and PLOT.png when gnuplot is installed.
void write_plot(ProgressLog& progress, const fs::path& plot, const std::vector<std::string>& downloaders,
                const std::string& title) {
    progress.stop();
    const fs::path csv = plot.string() + ".csv", png = plot.string() + ".png";
    write_progress_csv(progress.points(), csv);
    std::cerr << "bench: " << title << " progress in " << csv.string() << "\n";
    const auto why_not = plot_progress(csv, png, downloaders, title + ": progress of each downloader");
    std::cerr << "bench: " << (why_not.empty() ? "plot in " + png.string() : "no plot: " + why_not) << "\n";
}

// Run `run` of case `c` (prepared): each downloader fetches data.bin into a
// fresh dir at once; returns the time until the last one reports its
// verified copy. Afterwards the downloaders are stopped and their files,
// .part files and resume records deleted, so the next run (of any case)
// starts from the same state. plot: when not empty, each downloader's
// progress goes to PLOT.csv (and PLOT.png when gnuplot is installed).
CaseResult run_case(NodeSwarm& swarm, const CaseSpec& c, int run, const fs::path& plot) {
    const fs::path work = swarm.dir();
    const std::string group = in_run(c.group, run);
    const auto downloaders = downloaders_of(c, run);
    CaseResult r;
    r.name = c.title;
    r.copies = static_cast<int>(downloaders.size());
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
    if (progress) write_plot(*progress, plot, downloaders, c.title);
    r.detail = downloads_detail(swarm, group, downloaders, r.peak_rss_kib);
    for (const auto& d : downloaders) {
        swarm.discard(d);
        fs::remove_all(work / ("down-" + d));
    }
    return r;
}

// The runs of one row of the table, in run order.
struct CaseRuns {
    std::string name;
    std::vector<CaseResult> runs;
};

void record(std::vector<CaseRuns>& rows, CaseResult r) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const CaseRuns& row) { return row.name == r.name; });
    if (it == rows.end()) it = rows.insert(rows.end(), CaseRuns{r.name, {}});
    it->runs.push_back(std::move(r));
}

struct Summary {
    double median_s = 0, min_s = 0, max_s = 0;
    uint64_t peak_rss_kib = 0;  // the highest of any run
    // The run of median time (of the two middle ones, the faster): its CPU,
    // load, detail and threads stay together, as measured.
    const CaseResult* median_run = nullptr;
};

Summary summarize(const CaseRuns& row) {
    std::vector<const CaseResult*> by_time;
    for (const auto& r : row.runs) by_time.push_back(&r);
    std::sort(by_time.begin(), by_time.end(), [](auto* a, auto* b) { return a->seconds < b->seconds; });
    const std::size_t n = by_time.size(), mid = (n - 1) / 2;
    Summary s;
    s.median_s = n % 2 ? by_time[mid]->seconds : (by_time[mid]->seconds + by_time[mid + 1]->seconds) / 2;
    s.min_s = by_time.front()->seconds;
    s.max_s = by_time.back()->seconds;
    s.median_run = by_time[mid];
    for (const auto* r : by_time) s.peak_rss_kib = std::max(s.peak_rss_kib, r->peak_rss_kib);
    return s;
}

std::string seconds_list_json(const CaseRuns& row) {
    std::string list;
    for (const auto& r : row.runs) list += (list.empty() ? "" : ", ") + fixed(r.seconds, 3);
    return "[" + list + "]";
}

void print_json(const CaseRuns& row, const Summary& s, double gbps, double ratio, double ratio_verified) {
    const CaseResult& m = *s.median_run;
    JsonObject o;
    o.add("case", row.name).add("seconds", s.median_s, 3).add_raw("runs_seconds", seconds_list_json(row));
    o.add("min_seconds", s.min_s, 3).add("max_seconds", s.max_s, 3).add("gb_per_s", gbps, 3);
    o.add("ratio_to_raw", ratio, 3).add("ratio_to_verified", ratio_verified, 3);
    o.add("peak_rss_kib", s.peak_rss_kib).add("detail", m.detail);
    if (m.downloader_cpu >= 0) {
        o.add("downloader_cpu_s", m.downloader_cpu, 2).add("source_cpu_s", m.source_cpu, 2);
        o.add("downloader_threads", m.threads);
    }
    if (m.load >= 0) o.add("load_1m", m.load, 2);
    std::cout << o.str() << "\n";
}

void print_results(const std::vector<CaseRuns>& rows, uint64_t size, int runs, bool json) {
    // The raw copy runs first, the verified copy second.
    const double raw = summarize(rows.at(0)).median_s;
    const double verified = summarize(rows.at(1)).median_s;
    Table table({"<case", "wall s", "min-max s", "GB/s", "ratio to raw", "ratio to verified", "downloader peak RSS MiB",
                 "CPU s down+src",
                 "load", "<detail"});
    for (const auto& row : rows) {
        const Summary s = summarize(row);
        const CaseResult& m = *s.median_run;
        const double gbps = static_cast<double>(size) / 1e9 / s.median_s * m.copies;
        if (json) {
            print_json(row, s, gbps, raw / s.median_s, verified / s.median_s);
            continue;
        }
        table.add_row({row.name, fixed(s.median_s, 2), fixed(s.min_s, 2) + "-" + fixed(s.max_s, 2), fixed(gbps, 2),
                       fixed(raw / s.median_s, 2), fixed(verified / s.median_s, 2),
                       s.peak_rss_kib ? fixed(static_cast<double>(s.peak_rss_kib) / 1024, 1) : "-",
                       m.downloader_cpu >= 0 ? fixed(m.downloader_cpu, 2) + "+" + fixed(m.source_cpu, 2) : "-",
                       m.load >= 0 ? fixed(m.load, 1) : "-", m.detail});
    }
    if (json) return;
    std::cout << "file " << group_digits(size) << " bytes, loopback, " << runs
              << " run(s) of each case, interleaved; wall s is the median run, GB/s and ratios are of "
                 "medians, CPU s, load and detail those of the median run; 1->3 GB/s counts the bytes all three "
                 "received; every p2pshare case uses CURVE (encrypted) except the one marked --plain\n";
    table.print(std::cout);
    for (const auto& row : rows) {
        const auto& threads = summarize(row).median_run->threads;
        if (!threads.empty()) std::cout << "CPU s of the downloader's threads, " << row.name << ": " << threads << "\n";
    }
}

// One run of the libtorrent cases into rows; false (and `lt.skipped` says
// why) when there is none, so that later rounds do not try again.
bool run_libtorrent(const fs::path& bin, const fs::path& work, std::vector<CaseRuns>& rows, LibtorrentRun& lt) {
    ::sync();
    lt = run_libtorrent_reference(bin, work / "data.bin", work);
    for (const auto& c : lt.cases) {
        CaseResult r;
        r.name = c.name;
        r.seconds = c.seconds;
        r.peak_rss_kib = c.anon_peak_kib;
        r.detail = "anon RSS; VmHWM " + fixed(static_cast<double>(c.vmhwm_kib) / 1024, 0) + " MiB with the mapped file";
        record(rows, std::move(r));
    }
    return lt.skipped.empty();
}

struct Options {
    uint64_t size = 1ull << 30;
    fs::path bin = own_bin_dir();
    bool keep = false, json = false, libtorrent = true;
    std::set<std::string> cases{"1-1", "3-1", "1-3", "plain"};
    int runs = 3;
    fs::path plot;
};

// Options from args; nullopt after printing the usage or a usage error
// (`exit_code` says which).
std::optional<Options> parse_options(const std::vector<std::string>& args, int& exit_code) {
    Options o;
    exit_code = 2;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            exit_code = 0;
            return std::nullopt;
        } else if (a == "--keep") {
            o.keep = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--no-libtorrent") {
            o.libtorrent = false;
        } else if (a == "--cases" && has_value) {
            o.cases.clear();
            std::stringstream list(args[++i]);
            for (std::string c; std::getline(list, c, ',');) {
                if (c != "1-1" && c != "3-1" && c != "1-3" && c != "plain") {
                    std::cerr << "error: --cases takes 1-1, 3-1, 1-3 and plain, not " << c << "\n";
                    return std::nullopt;
                }
                o.cases.insert(c);
            }
        } else if (a == "--runs" && has_value) {
            std::string bad;
            if (!parse_count_option(a, args[++i], 1, 100, o.runs, bad)) {
                std::cerr << "error: " << bad << "\n";
                return std::nullopt;
            }
        } else if (a == "--plot" && has_value) {
            o.plot = fs::absolute(args[++i]);
        } else if (a == "--bin" && has_value) {
            o.bin = args[++i];
        } else if (a == "--size" && has_value) {
            auto s = parse_size(args[++i]);
            if (!s) {
                std::cerr << "error: --size wants a size like 256M or 1G\n";
                return std::nullopt;
            }
            o.size = *s;
        } else {
            std::cerr << "error: unknown option " << a << "\n" << kUsage;
            return std::nullopt;
        }
    }
    return o;
}

}  // namespace

int transfer_main(const std::vector<std::string>& args) {
    int exit_code = 0;
    const auto opt = parse_options(args, exit_code);
    if (!opt) return exit_code;
    try {
        TempDir tmp("p2p-bench-transfer");
        if (opt->keep) tmp.keep();
        const fs::path work = tmp.path();
        make_random_file(work / "data.bin", opt->size);
        const auto hashes = piece_hashes_of(work / "data.bin", p2p::files::kPieceSize);
        std::vector<const CaseSpec*> cases;
        for (const auto& c : all_cases()) {
            if (opt->cases.count(c.key)) cases.push_back(&c);
        }
        // Only the swarms the cases need. The plain one has its own tracker
        // and dir, with a hard link to the same file.
        std::unique_ptr<NodeSwarm> curve, plain;
        for (const auto* c : cases) {
            auto& swarm = c->plain ? plain : curve;
            if (swarm) continue;
            const fs::path dir = c->plain ? work / "plain" : work;
            if (c->plain) {
                fs::create_directories(dir);
                fs::create_hard_link(work / "data.bin", dir / "data.bin");
            }
            swarm = std::make_unique<NodeSwarm>(opt->bin, dir, c->plain);
        }
        const auto swarm_of = [&](const CaseSpec& c) -> NodeSwarm& { return c.plain ? *plain : *curve; };

        // Rounds, each running every case once, rather than all runs of one
        // case in a row: a slow phase of the machine (another build, the
        // host) then hits every case alike instead of all runs of one.
        std::vector<CaseRuns> rows;
        LibtorrentRun lt;
        bool libtorrent = opt->libtorrent;
        if (!libtorrent) lt.skipped = "--no-libtorrent";
        for (int run = 1; run <= opt->runs; ++run) {
            for (const auto* c : cases) prepare_case(swarm_of(*c), *c, run);
            // Discarded: each case runs right after the previous one wrote a
            // file as large and deleted it; this gives the raw copy the same
            // start. On this VM writing into memory the guest has not used
            // lately costs several times more than reusing pages just freed
            // (docs/bench.md, "Why runs are repeated").
            raw_case(work);
            record(rows, raw_case(work));
            record(rows, verified_case(work, hashes));
            for (const auto* c : cases) {
                record(rows, run_case(swarm_of(*c), *c, run, run == 1 && c->key == "1-3" ? opt->plot : fs::path()));
            }
            if (libtorrent) libtorrent = run_libtorrent(opt->bin, work, rows, lt);
        }
        print_results(rows, opt->size, opt->runs, opt->json);
        if (!lt.version.empty() && !opt->json) {
            std::cout << lt.version << ": v1 torrent, 512 KiB pieces, tuned (docs/bench.md)\n";
        }
        if (!lt.skipped.empty()) {
            std::cout << (opt->json ? JsonObject().add("case", "libtorrent").add("skipped", lt.skipped).str()
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
