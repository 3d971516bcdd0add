#include "swarm_bench.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <regex>
#include <sstream>

#include "messages/file_meta.hpp"
#include "netns_lab.hpp"
#include "node_swarm.hpp"
#include "report_table.hpp"
#include "support.hpp"

namespace bench {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* kUsage = R"(usage: bench swarm [--size BYTES] [--cases LIST] [--runs N] [--timeout-factor K] [--plain]
                    [--timeline PREFIX] [--bin DIR] [--keep] [--json]

How fast a swarm of p2pshare nodes spreads one file when every node's upload
is capped, against the fluid-model minimum
  D_min = max(F/u_s, N*F/(u_s + sum of u_i))
(F the file, u_s the seeder's cap, u_i the N leechers' caps). Needs root and
iproute2: the tracker, the seeder and each leecher run in a network
namespace of their own (p2pb<PID>n<I>, 10.77.0.<I+1>/24) joined by a bridge
(p2pb<PID>br); a tbf qdisc on each node's eth0 caps what it sends
(rate R, burst max(64 KiB, 5 ms at R), latency 50 ms); the tracker is
uncapped. Everything it creates is deleted at the end, on error, and when
the bench is interrupted or killed (a janitor process waits for it).

In each run of a case: fresh nodes (CURVE unless --plain), the seeder
shares the file in a new group, the N leechers join, then all N are told to
download_file at once; T runs from then until the last one prints
"complete and verified" (each checks the whole file first). After it, each
node's show_uploads (pieces served) and its eth0's sent bytes.

The cases, comma-separated, each NxL or NxLsS: N leechers capped at L Mbit/s
and a seeder capped at S Mbit/s (default S = L), e.g.
  3x100     N=3, all 100 Mbit/s
  7x100     N=7, all 100 Mbit/s
  3x50s200  N=3, seeder 200 / leechers 50 Mbit/s

tbf counts Ethernet, IP and TCP headers: TCP's goodput is ~95.6 % of the
cap (1448 payload bytes in a 1514-byte frame), so a perfect TCP swarm takes
~1.046 x D_min. T/D_min is against the nominal cap.

--size BYTES   file size, suffix K, M or G (default 256M)
--cases LIST   (default 3x100,7x100,3x50s200)
--runs N       runs of each case, 1 to 20 (default 1); the table gives the
               median and the min-max; rounds run every case once each
--timeout-factor K  a run fails when T passes K x D_min (default 10)
--plain        every process --plain (no CURVE)
--timeline PREFIX  each case's median run, every node's upload rate about
               once a second, as PREFIX-CASE.csv (seconds,node,cap_mbit,mbit_per_s)
--bin DIR      where tracker and node are (default: bench's own directory)
--keep         keep the temp dir (nodes' data dirs and logs)
--json         one JSON object per case instead of the table

Example:
  sudo build/bin/bench swarm
  sudo build/bin/bench swarm --cases 3x100 --size 64M --runs 3
)";

constexpr uint64_t kMbit = 1000000;

struct SwarmCase {
    std::string key;     // as in --cases
    std::size_t leechers = 0;
    uint64_t leecher_bps = 0;
    uint64_t seeder_bps = 0;

    std::string title() const {
        const auto mbit = [](uint64_t bps) { return std::to_string(bps / kMbit); };
        if (seeder_bps == leecher_bps) return "N=" + std::to_string(leechers) + ", all " + mbit(seeder_bps) + " Mbit/s";
        return "N=" + std::to_string(leechers) + ", seeder " + mbit(seeder_bps) + " / leechers " + mbit(leecher_bps) +
               " Mbit/s";
    }
    // The fluid-model minimum for a file of `bytes`.
    double d_min(uint64_t bytes) const {
        const double bits = static_cast<double>(bytes) * 8;
        const double n = static_cast<double>(leechers);
        return std::max(bits / static_cast<double>(seeder_bps),
                        n * bits / (static_cast<double>(seeder_bps) + n * static_cast<double>(leecher_bps)));
    }
};

std::optional<SwarmCase> parse_case(const std::string& text) {
    static const std::regex form(R"(([0-9]+)x([0-9]+)(s([0-9]+))?)");
    std::smatch m;
    if (!std::regex_match(text, m, form)) return std::nullopt;
    const auto n = parse_long(m[1].str(), 1, 100);
    const auto l = parse_long(m[2].str(), 1, 100000);
    const auto s = m[4].matched ? parse_long(m[4].str(), 1, 100000) : l;
    if (!n || !l || !s) return std::nullopt;
    return SwarmCase{text, static_cast<std::size_t>(*n), static_cast<uint64_t>(*l) * kMbit,
                     static_cast<uint64_t>(*s) * kMbit};
}

struct Options {
    uint64_t size = 256ull << 20;
    std::vector<SwarmCase> cases;
    int runs = 1;
    double timeout_factor = 10;
    bool plain = false, keep = false, json = false;
    fs::path bin;
    fs::path timeline;  // PREFIX for the median runs' CSVs; empty: none
};

std::optional<Options> parse_options(const std::vector<std::string>& args, int& exit_code) {
    Options o;
    exit_code = 2;
    std::string cases = "3x100,7x100,3x50s200";
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        std::string bad;
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            exit_code = 0;
            return std::nullopt;
        } else if (a == "--plain") {
            o.plain = true;
        } else if (a == "--keep") {
            o.keep = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--cases" && has_value) {
            cases = args[++i];
        } else if (a == "--runs" && has_value) {
            if (!parse_count_option(a, args[++i], 1, 20, o.runs, bad)) {
                std::cerr << "error: " << bad << "\n";
                return std::nullopt;
            }
        } else if (a == "--timeout-factor" && has_value) {
            const auto k = parse_seconds(args[++i]);
            if (!k || *k < 1) {
                std::cerr << "error: --timeout-factor wants a number of at least 1\n";
                return std::nullopt;
            }
            o.timeout_factor = *k;
        } else if (a == "--bin" && has_value) {
            o.bin = args[++i];
        } else if (a == "--timeline" && has_value) {
            o.timeline = fs::absolute(args[++i]);
        } else if (a == "--size" && has_value) {
            const auto s = parse_size(args[++i]);
            if (!s) {
                std::cerr << "error: --size wants a size like 64M or 256M\n";
                return std::nullopt;
            }
            o.size = *s;
        } else {
            std::cerr << "error: unknown option " << a << "\n" << kUsage;
            return std::nullopt;
        }
    }
    std::stringstream list(cases);
    for (std::string c; std::getline(list, c, ',');) {
        auto parsed = parse_case(c);
        if (!parsed) {
            std::cerr << "error: --cases wants NxL or NxLsS (N leechers, caps in Mbit/s), e.g. 3x100,3x50s200, not '"
                      << c << "'\n";
            return std::nullopt;
        }
        o.cases.push_back(*parsed);
    }
    if (o.cases.empty()) {
        std::cerr << "error: --cases is empty\n";
        return std::nullopt;
    }
    return o;
}

// What one node did in a run.
struct NodeUse {
    uint64_t pieces_served = 0;
    uint64_t sent_bytes = 0;  // its eth0, headers included
    uint64_t dropped = 0;     // by its tbf
    double cpu_s = 0;
};

// Bytes each node (seeder first, then the leechers) has sent since the start, at `seconds`.
struct Sample {
    double seconds = 0;
    std::vector<uint64_t> sent;
};

struct RunResult {
    std::string failure;  // empty: it finished
    double seconds = 0;
    uint64_t leecher_peak_rss_kib = 0;
    NodeUse seeder;
    std::vector<NodeUse> leechers;
    std::vector<double> leecher_seconds;  // each one's own "in X s", in leecher order
    std::vector<Sample> timeline;         // about once a second
    double load = -1;
};

// Hosts in the lab: 0 the tracker, 1 the seeder, 2.. the leechers.
constexpr std::size_t kSeederHost = 1;
std::size_t leecher_host(std::size_t i) { return 2 + i; }

class SwarmRun {
public:
    SwarmRun(NodeSwarm& swarm, NetnsLab& lab, const SwarmCase& c, int run, double timeout_s)
        : swarm_(swarm), lab_(lab), c_(c), timeout_s_(timeout_s) {
        const std::string tag = c.key + "-r" + std::to_string(run);
        group_ = "g" + tag;
        seeder_ = tag + "-seed";
        for (std::size_t i = 0; i < c.leechers; ++i) leechers_.push_back(tag + "-l" + std::to_string(i + 1));
    }

    RunResult run() {
        RunResult r;
        try {
            prepare();
            measure(r);
        } catch (const SetupError& e) {
            r.failure = e.what();
        }
        for (const auto& n : all()) swarm_.discard(n);
        for (const auto& l : leechers_) fs::remove_all(swarm_.dir() / ("down-" + l));
        return r;
    }

private:
    std::vector<std::string> all() const {
        std::vector<std::string> out{seeder_};
        out.insert(out.end(), leechers_.begin(), leechers_.end());
        return out;
    }
    std::size_t host_of(std::size_t node) const { return node == 0 ? kSeederHost : leecher_host(node - 1); }

    // Caps, nodes, group and share; none of it timed.
    void prepare() {
        lab_.cap_upload(kSeederHost, c_.seeder_bps);
        for (std::size_t i = 0; i < leechers_.size(); ++i) lab_.cap_upload(leecher_host(i), c_.leecher_bps);
        const auto names = all();
        for (std::size_t i = 0; i < names.size(); ++i) swarm_.node(names[i], lab_.place(host_of(i)));
        swarm_.group(group_, seeder_, leechers_);
        swarm_.say(seeder_, "upload_file data.bin " + group_);
        swarm_.expect(seeder_, "^ok: sharing data.bin in " + group_, 300s);
        for (const auto& l : leechers_) fs::create_directories(swarm_.dir() / ("down-" + l));
    }

    void measure(RunResult& r) {
        const auto names = all();
        std::vector<TxCounters> tx_before;
        std::vector<double> cpu_before;
        for (std::size_t i = 0; i < names.size(); ++i) {
            tx_before.push_back(lab_.tx(host_of(i)));
            cpu_before.push_back(cpu_seconds(swarm_.pid(names[i])).value_or(0));
        }
        ::sync();  // earlier runs' writeback is not this run's cost
        r.load = load_average_1m().value_or(-1);
        const auto start = Clock::now();
        const auto deadline = start + std::chrono::milliseconds(static_cast<int64_t>(timeout_s_ * 1000));
        for (const auto& l : leechers_) swarm_.say(l, "download_file " + group_ + " data.bin down-" + l);
        // Every leecher's notice, in whatever order they come; meanwhile each
        // node's sent bytes once a second (sysfs reads, no process started).
        static const std::regex own_time(R"(complete and verified: in ([0-9.]+) s)");
        const std::string finished = "^notice: download of data.bin in " + group_ + " complete and verified";
        r.leecher_seconds.assign(leechers_.size(), -1);
        std::vector<bool> done(leechers_.size(), false);
        std::size_t done_count = 0;
        auto next_sample = start;
        while (done_count < leechers_.size()) {
            const auto now = Clock::now();
            if (now >= next_sample) {
                Sample sample{std::chrono::duration<double>(now - start).count(), {}};
                for (std::size_t i = 0; i < names.size(); ++i) {
                    sample.sent.push_back(lab_.sent_bytes(host_of(i)) - tx_before[i].bytes);
                }
                r.timeline.push_back(std::move(sample));
                next_sample += 1s;
            }
            if (now >= deadline) {
                std::string missing;
                for (std::size_t i = 0; i < leechers_.size(); ++i) {
                    if (!done[i]) missing += (missing.empty() ? "" : ", ") + leechers_[i];
                }
                throw SetupError("timeout: " + std::to_string(done_count) + " of " + std::to_string(leechers_.size()) +
                                 " leechers done after " + fixed(timeout_s_, 0) + " s (not " + missing + ")");
            }
            // Waits on the first leecher not done, up to 100 ms; looks at the others without waiting.
            bool waited = false;
            for (std::size_t i = 0; i < leechers_.size(); ++i) {
                if (done[i]) continue;
                const auto line = swarm_.poll_line(leechers_[i], finished, waited ? 0ms : 100ms);
                waited = true;
                if (!line) continue;
                done[i] = true;
                ++done_count;
                std::smatch m;
                if (std::regex_search(*line, m, own_time)) r.leecher_seconds[i] = std::stod(m[1].str());
            }
        }
        r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        Sample last{r.seconds, {}};
        for (std::size_t i = 0; i < names.size(); ++i) {
            NodeUse u;
            const TxCounters tx = lab_.tx(host_of(i));
            u.sent_bytes = tx.bytes - tx_before[i].bytes;
            last.sent.push_back(u.sent_bytes);
            u.dropped = tx.dropped - tx_before[i].dropped;
            u.cpu_s = cpu_seconds(swarm_.pid(names[i])).value_or(0) - cpu_before[i];
            u.pieces_served = pieces_served(names[i]);
            if (i == 0) {
                r.seeder = u;
            } else {
                r.leechers.push_back(u);
                r.leecher_peak_rss_kib = std::max<uint64_t>(r.leecher_peak_rss_kib,
                                                            peak_rss_kib(swarm_.pid(names[i])).value_or(0));
            }
        }
        r.timeline.push_back(std::move(last));
    }

    // "[S] [G] data.bin served=N pieces (sealed M) have=A/B" from show_uploads.
    uint64_t pieces_served(const std::string& node) {
        swarm_.say(node, "show_uploads");
        const std::string line = swarm_.expect(node, "^\\[S\\] \\[" + group_ + "\\] data.bin served=", 10s);
        return std::stoull(line.substr(line.find("served=") + 7));
    }

    NodeSwarm& swarm_;
    NetnsLab& lab_;
    const SwarmCase& c_;
    double timeout_s_;
    std::string group_, seeder_;
    std::vector<std::string> leechers_;
};

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// A case's runs boiled down to a row: medians over the runs that finished,
// the node figures of the run whose T is the median (the faster of the two
// middle ones).
struct CaseSummary {
    std::size_t finished = 0;
    double median_s = 0, min_s = 0, max_s = 0;
    const RunResult* median_run = nullptr;
    uint64_t peak_rss_kib = 0;
    std::string failures;  // "run 2: reason; ..."
};

CaseSummary summarize(const std::vector<RunResult>& runs) {
    CaseSummary s;
    std::vector<const RunResult*> ok;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].failure.empty()) {
            ok.push_back(&runs[i]);
            s.peak_rss_kib = std::max(s.peak_rss_kib, runs[i].leecher_peak_rss_kib);
        } else {
            s.failures += (s.failures.empty() ? "" : "; ") + ("run " + std::to_string(i + 1) + ": " + runs[i].failure);
        }
    }
    s.finished = ok.size();
    if (ok.empty()) return s;
    std::sort(ok.begin(), ok.end(), [](auto* a, auto* b) { return a->seconds < b->seconds; });
    std::vector<double> times;
    for (const auto* r : ok) times.push_back(r->seconds);
    s.median_s = median_of(times);
    s.min_s = times.front();
    s.max_s = times.back();
    s.median_run = ok[(ok.size() - 1) / 2];
    return s;
}

// How busy an uplink was: bytes it sent over what its cap allows in T.
double uplink_use(const NodeUse& u, uint64_t bps, double seconds) {
    return static_cast<double>(u.sent_bytes) * 8 / (static_cast<double>(bps) * seconds);
}

struct CaseFigures {
    double seeder_copies = 0;    // pieces the seeder served, in copies of the file
    double seeder_wire_copies = 0;  // bytes its eth0 sent during T, in copies of the file on the wire
    double leecher_copies = 0;   // the same, the leechers' average
    double seeder_use = 0;       // fraction of its cap used over T
    double leecher_use = 0;      // the leechers' average
    double fastest_s = 0, slowest_s = 0;  // the leechers' own times
    uint64_t dropped = 0;
    double cpu_s = 0;  // all nodes
    double leecher_use_thirds[3] = {0, 0, 0};  // leecher_use in each third of T
};

// Bytes node `node` had sent at `t`, between the samples around it.
double sent_at(const std::vector<Sample>& timeline, std::size_t node, double t) {
    double prev_t = 0, prev_bytes = 0;
    for (const auto& smp : timeline) {
        const double bytes = static_cast<double>(smp.sent.at(node));
        if (smp.seconds >= t) {
            const double span = smp.seconds - prev_t;
            return span <= 0 ? bytes : prev_bytes + (bytes - prev_bytes) * (t - prev_t) / span;
        }
        prev_t = smp.seconds;
        prev_bytes = bytes;
    }
    return prev_bytes;
}

// One copy of the file as TCP over Ethernet carries it: 1448 payload bytes
// per 1514-byte frame (MTU 1500, timestamps on).
constexpr double kWireBytesPerByte = 1514.0 / 1448.0;

CaseFigures figures_of(const RunResult& r, const SwarmCase& c, uint64_t size, uint64_t pieces) {
    CaseFigures f;
    f.seeder_wire_copies = static_cast<double>(r.seeder.sent_bytes) / (static_cast<double>(size) * kWireBytesPerByte);
    const double p = static_cast<double>(pieces);
    f.seeder_copies = static_cast<double>(r.seeder.pieces_served) / p;
    f.seeder_use = uplink_use(r.seeder, c.seeder_bps, r.seconds);
    f.dropped = r.seeder.dropped;
    f.cpu_s = r.seeder.cpu_s;
    for (const auto& l : r.leechers) {
        f.leecher_copies += static_cast<double>(l.pieces_served) / p / static_cast<double>(r.leechers.size());
        f.leecher_use += uplink_use(l, c.leecher_bps, r.seconds) / static_cast<double>(r.leechers.size());
        f.dropped += l.dropped;
        f.cpu_s += l.cpu_s;
    }
    for (int third = 0; third < 3; ++third) {
        const double from = r.seconds * third / 3, to = r.seconds * (third + 1) / 3;
        for (std::size_t i = 0; i < r.leechers.size(); ++i) {
            const double bits = (sent_at(r.timeline, i + 1, to) - sent_at(r.timeline, i + 1, from)) * 8;
            f.leecher_use_thirds[third] +=
                bits / (static_cast<double>(c.leecher_bps) * (to - from)) / static_cast<double>(r.leechers.size());
        }
    }
    const auto [lo, hi] = std::minmax_element(r.leecher_seconds.begin(), r.leecher_seconds.end());
    if (lo != r.leecher_seconds.end()) {
        f.fastest_s = *lo;
        f.slowest_s = *hi;
    }
    return f;
}

std::string percent(double fraction) { return fixed(fraction * 100, 0) + "%"; }

std::string note_of(const CaseFigures& f, const CaseSummary& s, std::size_t runs) {
    std::string note = "seeder uplink " + percent(f.seeder_use) + " busy, sent " + fixed(f.seeder_wire_copies, 2) +
                       " copies' bytes during T; leechers served " +
                       fixed(f.leecher_copies, 2) + " copies each, uplinks " + percent(f.leecher_use) +
                       " busy (by thirds of T " + percent(f.leecher_use_thirds[0]) + " / " +
                       percent(f.leecher_use_thirds[1]) + " / " + percent(f.leecher_use_thirds[2]) +
                       "); leechers done " + fixed(f.fastest_s, 1) + "-" + fixed(f.slowest_s, 1) + " s; tbf drops " +
                       std::to_string(f.dropped) + "; nodes' CPU " + fixed(f.cpu_s, 1) + " s";
    if (s.finished < runs) note += "; " + std::to_string(runs - s.finished) + " run(s) failed: " + s.failures;
    return note;
}

// The run's timeline as CSV: each node's upload rate between samples.
void write_timeline(const fs::path& csv, const RunResult& r, const SwarmCase& c) {
    std::string text = "seconds,node,cap_mbit,mbit_per_s\n";
    for (std::size_t k = 1; k < r.timeline.size(); ++k) {
        const Sample& a = r.timeline[k - 1];
        const Sample& b = r.timeline[k];
        const double span = b.seconds - a.seconds;
        if (span <= 0) continue;
        for (std::size_t n = 0; n < b.sent.size(); ++n) {
            const double mbit = static_cast<double>(b.sent[n] - a.sent[n]) * 8 / span / 1e6;
            const uint64_t cap = n == 0 ? c.seeder_bps : c.leecher_bps;
            text += fixed(b.seconds, 2) + "," + (n == 0 ? std::string("seeder") : "leecher" + std::to_string(n)) + "," +
                    std::to_string(cap / kMbit) + "," + fixed(mbit, 1) + "\n";
        }
    }
    write_text_file(csv, text);
    std::cerr << "bench: " << c.title() << " timeline in " << csv.string() << "\n";
}

void print_results(const Options& o, const std::vector<std::vector<RunResult>>& results) {
    const uint64_t pieces = (o.size + p2p::files::kPieceSize - 1) / p2p::files::kPieceSize;
    Table table({"<case", "D_min s", "T s", "min-max s", "T/D_min", "seeder copies", "leecher peak RSS MiB", "load",
                 "<note"});
    for (std::size_t i = 0; i < o.cases.size(); ++i) {
        const SwarmCase& c = o.cases[i];
        const CaseSummary s = summarize(results[i]);
        const double d_min = c.d_min(o.size);
        if (!s.median_run) {
            if (o.json) {
                std::cout << JsonObject().add("case", c.key).add("title", c.title()).add("d_min_seconds", d_min, 2)
                                 .add("failed", s.failures).str()
                          << "\n";
            } else {
                table.add_row({c.title(), fixed(d_min, 1), "failed", "-", "-", "-", "-", "-", s.failures});
            }
            continue;
        }
        const RunResult& m = *s.median_run;
        const CaseFigures f = figures_of(m, c, o.size, pieces);
        if (!o.timeline.empty()) write_timeline(o.timeline.string() + "-" + c.key + ".csv", m, c);
        if (o.json) {
            std::string runs;
            for (const auto& r : results[i]) runs += (runs.empty() ? "" : ", ") + (r.failure.empty() ? fixed(r.seconds, 2) : "null");
            JsonObject j;
            j.add("case", c.key).add("title", c.title()).add("d_min_seconds", d_min, 2).add("seconds", s.median_s, 2);
            j.add_raw("runs_seconds", "[" + runs + "]").add("t_over_d_min", s.median_s / d_min, 3);
            j.add("seeder_copies", f.seeder_copies, 3).add("seeder_wire_copies", f.seeder_wire_copies, 3).add("leecher_copies_each", f.leecher_copies, 3);
            j.add("seeder_uplink_use", f.seeder_use, 3).add("leecher_uplink_use", f.leecher_use, 3);
            j.add_raw("leecher_uplink_use_thirds", "[" + fixed(f.leecher_use_thirds[0], 3) + ", " +
                                                       fixed(f.leecher_use_thirds[1], 3) + ", " +
                                                       fixed(f.leecher_use_thirds[2], 3) + "]");
            j.add("leecher_peak_rss_kib", s.peak_rss_kib).add("tbf_drops", f.dropped).add("nodes_cpu_s", f.cpu_s, 2);
            if (m.load >= 0) j.add("load_1m", m.load, 2);
            if (!s.failures.empty()) j.add("failed_runs", s.failures);
            std::cout << j.str() << "\n";
            continue;
        }
        table.add_row({c.title(), fixed(d_min, 1), fixed(s.median_s, 1), fixed(s.min_s, 1) + "-" + fixed(s.max_s, 1),
                       fixed(s.median_s / d_min, 2), fixed(f.seeder_copies, 2),
                       fixed(static_cast<double>(s.peak_rss_kib) / 1024, 1), m.load >= 0 ? fixed(m.load, 1) : "-",
                       note_of(f, s, results[i].size())});
    }
    if (o.json) return;
    std::cout << "file " << group_digits(o.size) << " bytes (" << pieces << " pieces of 512 KiB), " << o.runs
              << " run(s) of each case, " << (o.plain ? "--plain" : "CURVE")
              << "; T is the median run, from download_file to the last leecher's verified copy; T/D_min against "
                 "the nominal caps (TCP goodput under tbf is ~95.6% of the cap: a perfect swarm is ~1.05); "
                 "seeder copies = pieces it served / pieces in the file (the note also gives the bytes its uplink sent during T over the file's size on the wire, x 1514/1448); the note is the median run's\n";
    table.print(std::cout);
}

// SIGINT/SIGTERM: end now; the lab's janitor deletes the namespaces, the
// bridge and the temp dir, and the nodes die with the bench.
void on_signal(int) {
    const char text[] = "bench: interrupted; the namespaces and the temp dir go with it\n";
    const ssize_t ignored = ::write(STDERR_FILENO, text, sizeof text - 1);
    (void)ignored;
    ::_exit(130);
}

}  // namespace

int swarm_main(const std::vector<std::string>& args) {
    int exit_code = 0;
    auto opt = parse_options(args, exit_code);
    if (!opt) return exit_code;
    if (NetnsLab::unavailable()) {
        std::cerr << "error: bench swarm needs root and iproute2 (network namespaces)\n";
        return 2;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);
    try {
        if (opt->bin.empty()) opt->bin = own_bin_dir();
        TempDir tmp("p2p-bench-swarm");
        if (opt->keep) tmp.keep();
        const fs::path work = tmp.path();
        std::size_t most = 0;
        for (const auto& c : opt->cases) most = std::max(most, c.leechers);
        // Made before any thread or child exists: the lab forks its janitor.
        NetnsLab lab(2 + most, opt->keep ? fs::path() : work);
        std::cerr << "bench: lab " << lab.ns(0) << ".." << lab.ns(lab.hosts() - 1) << " on bridge p2pb" << ::getpid()
                  << "br; making the file\n";
        make_random_file(work / "data.bin", opt->size);
        NodeSwarm swarm(opt->bin, work, opt->plain, lab.place(0));
        std::vector<std::vector<RunResult>> results(opt->cases.size());
        for (int run = 1; run <= opt->runs; ++run) {
            for (std::size_t i = 0; i < opt->cases.size(); ++i) {
                const SwarmCase& c = opt->cases[i];
                const double timeout_s = opt->timeout_factor * c.d_min(opt->size);
                std::cerr << "bench: " << c.title() << ", run " << run << " (D_min " << fixed(c.d_min(opt->size), 1)
                          << " s)\n";
                results[i].push_back(SwarmRun(swarm, lab, c, run, timeout_s).run());
                const auto& r = results[i].back();
                std::cerr << "bench:   " << (r.failure.empty() ? "T " + fixed(r.seconds, 2) + " s" : "failed: " + r.failure)
                          << "\n";
            }
        }
        print_results(*opt, results);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace bench
