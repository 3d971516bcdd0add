#include "tracker_bench.hpp"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <span>
#include <thread>

#include "child_process.hpp"
#include "free_ports.hpp"
#include "latency.hpp"
#include "messages/random_id.hpp"
#include "report_table.hpp"
#include "support.hpp"
#include "tracker_client.hpp"

namespace bench {

namespace {

namespace msg = p2p::msg;
using p2p::Kind;
using std::chrono::milliseconds;

const char* const kUsage = R"(usage: bench tracker [--clients N] [--seconds S] [--threads N] [--client zmtp|zmq]
                     [--bin DIR] [--keep] [--json]

Starts one tracker on 127.0.0.1 (data in a temp dir), connects N simulated
nodes (one DEALER connection each), and for each: Hello, CreateUser, Login.
The first node creates 20 groups. Then two closed-loop phases of S seconds,
each client with one request in flight at a time:

  read   ListGroups -> GroupList (the 20 groups); any other reply is an error
  write  JoinGroup g / LeaveGroup g, g cycling over the 20 groups; each is
         journaled and fsynced before the tracker replies; Error = error

Every client also sends the Heartbeat a node sends every second (not counted
as a request), so sessions stay alive as they would in real use.

Prints per phase: clients, requests, req/s, latency p50/p90/p99/max (ms),
errors, the tracker's fsyncs in the phase and journal records per fsync, the
CPU used by the tracker, the bench and everything else (% of one core), and
the tracker's CPU per answered request; then the tracker's peak RSS (VmHWM)
and its busiest threads.

Options:
  --clients N   simulated nodes (default 64)
  --seconds S   length of each phase, fractions allowed (default 10)
  --threads N   client threads sharing the connections (default 2)
  --client K    zmtp (default): each DEALER speaks ZMTP 3.0 itself over a TCP
                socket, one send() per request, so the bench leaves the CPU
                to the tracker; zmq: libzmq DEALER sockets, as nodes use
                (about 4x the bench's CPU per request)
  --bin DIR     directory holding the tracker binary (default: bench's own)
  --keep        keep the temp dir (tracker_info.txt, journal) and print its path
  --json        one JSON object per phase on stdout instead of the table

Exit status: 0 measured, 1 setup failed (one "error: ..." line), 2 bad usage.
)";

constexpr std::size_t kGroups = 20;
constexpr const char* kPassword = "bench-password";
constexpr auto kHeartbeatEvery = std::chrono::seconds(1);
constexpr auto kDrainTimeout = std::chrono::seconds(5);
constexpr std::size_t kLoginBatch = 32;  // ~0.7 s of hashing; heartbeats go out in between
constexpr uint16_t kFirstNodePort = 20000;  // endpoints the nodes claim (nothing connects to them)

struct Options {
    std::size_t clients = 64;
    double seconds = 10;
    std::size_t threads = 2;
    std::filesystem::path bin_dir;
    bool keep = false;
    bool json = false;
    ClientKind client = ClientKind::zmtp;
};

enum class Workload { read, write };

const char* name_of(Workload w) { return w == Workload::read ? "read" : "write"; }

// One connection's part in a phase: the request bodies it sends (built before
// the clock starts) and the request it has in flight.
struct Slot {
    Client* client = nullptr;
    bool broken = false;  // its connection failed: it sits out the rest of the phase
    bool writes = false;  // in the write phase: false for a client with no group to join
    msg::Heartbeat heartbeat;
    msg::ListGroups list;
    std::vector<msg::JoinGroup> joins;
    std::vector<msg::LeaveGroup> leaves;
    std::size_t first_group = 0;
    uint64_t step = 0;

    bool waiting = false;
    bool is_heartbeat = false;
    uint64_t rid = 0;
    Clock::time_point sent_at{};
    Clock::time_point last_heartbeat{};  // the epoch: the first request of a phase is a heartbeat
};

struct Tally {
    LatencyHistogram latency;
    uint64_t requests = 0;    // replies to measured requests within the phase
    uint64_t errors = 0;      // of those, the wrong kind; plus failed heartbeats and sends
    uint64_t lost = 0;        // no reply within kDrainTimeout after the phase
    uint64_t heartbeats = 0;  // heartbeat replies (not counted as requests)
    std::string first_error;

    void error(std::string what) {
        ++errors;
        if (first_error.empty()) first_error = std::move(what);
    }
    void merge(const Tally& o) {
        latency.merge(o.latency);
        requests += o.requests;
        errors += o.errors;
        lost += o.lost;
        heartbeats += o.heartbeats;
        if (first_error.empty()) first_error = o.first_error;
    }
};

// Sends the slot's next request: a heartbeat when one is due, else the
// phase's request. False when the slot has nothing to send.
bool send_next(Slot& s, Workload w, msgpack::sbuffer& buf, Clock::time_point now, Tally& tally) {
    if (s.broken) return false;
    Client& c = *s.client;
    if (now - s.last_heartbeat >= kHeartbeatEvery) {
        s.is_heartbeat = true;
        s.last_heartbeat = now;
        s.rid = c.send(buf, s.heartbeat);
    } else if (w == Workload::read) {
        s.is_heartbeat = false;
        s.rid = c.send(buf, s.list);
    } else if (s.writes) {
        s.is_heartbeat = false;
        const std::size_t k = (s.first_group + s.step / 2) % s.joins.size();
        s.rid = (s.step % 2 == 0) ? c.send(buf, s.joins[k]) : c.send(buf, s.leaves[k]);
        ++s.step;
    } else {
        return false;
    }
    if (s.rid == 0) {
        tally.error("cannot send on " + c.user + "'s connection: " + c.conn->error());
        s.broken = true;
        return false;
    }
    s.sent_at = now;
    s.waiting = true;
    return true;
}

// One client thread: closed loop over its slots until the deadline, then
// waits (bounded) for the replies still in flight so the next phase starts
// clean. Waits with epoll, level-triggered, on each connection's wait_fd().
class ClientLoop {
public:
    ClientLoop(std::span<Slot> slots, Workload w, Clock::time_point deadline, Tally& tally)
        : slots_(slots),
          workload_(w),
          expected_(w == Workload::read ? Kind::GroupList : Kind::Ok),
          deadline_(deadline),
          tally_(tally) {}

    ~ClientLoop() {
        if (ep_ >= 0) ::close(ep_);
    }

    void run() {
        ep_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (ep_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = i;
            if (::epoll_ctl(ep_, EPOLL_CTL_ADD, slots_[i].client->conn->wait_fd(), &ev) != 0) {
                throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
            }
        }
        const auto start = Clock::now();
        for (Slot& s : slots_) {
            if (send_next(s, workload_, buf_, start, tally_)) ++in_flight_;
        }
        for (Slot& s : slots_) take(s);  // a libzmq send may have taken a ZMQ_FD signal
        std::vector<epoll_event> events(slots_.size());
        for (int wait; (wait = wait_ms()) >= 0;) {
            const int n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()), wait);
            for (int i = 0; i < n; ++i) take(slots_[events[static_cast<std::size_t>(i)].data.u64]);
        }
    }

private:
    // Milliseconds to wait for the next reply; -1 when the phase is over
    // (everything answered, or the drain timeout passed).
    int wait_ms() {
        const auto now = Clock::now();
        if (now >= deadline_ && in_flight_ == 0) return -1;
        const auto drain_deadline = deadline_ + kDrainTimeout;
        if (now >= drain_deadline) {
            tally_.lost += in_flight_;
            return -1;
        }
        const auto until = now < deadline_ ? deadline_ : drain_deadline;
        return static_cast<int>(std::chrono::duration_cast<milliseconds>(until - now).count()) + 1;
    }

    void take(Slot& s) {
        if (s.broken) return;
        const bool alive = s.client->conn->receive([this, &s](const char* data, std::size_t size) {
            on_reply(s, data, size);
        });
        if (!alive) {
            tally_.error("connection of " + s.client->user + " failed: " + s.client->conn->error());
            ::epoll_ctl(ep_, EPOLL_CTL_DEL, s.client->conn->wait_fd(), nullptr);
            s.broken = true;
            if (s.waiting) {
                s.waiting = false;
                --in_flight_;
            }
        }
    }

    // A reply on s: record it, and send s's next request while the phase lasts.
    void on_reply(Slot& s, const char* data, std::size_t size) {
        const auto t = Clock::now();
        Kind kind{};
        uint64_t rid = 0;
        if (!peek_reply(data, size, &kind, &rid)) {
            tally_.error("a reply that is no envelope");
            return;
        }
        if (!s.waiting || rid != s.rid) return;  // not the request in flight: ignore
        s.waiting = false;
        --in_flight_;
        if (s.is_heartbeat) {
            ++tally_.heartbeats;
            if (kind != Kind::Ok) tally_.error("Heartbeat: " + describe_reply(data, size));
        } else if (t <= deadline_) {
            ++tally_.requests;
            tally_.latency.record(
                static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t - s.sent_at).count()));
            if (kind != expected_) tally_.error(std::string(name_of(workload_)) + ": " + describe_reply(data, size));
        }
        if (t < deadline_ && send_next(s, workload_, buf_, t, tally_)) ++in_flight_;
    }

    std::span<Slot> slots_;
    const Workload workload_;
    const Kind expected_;
    const Clock::time_point deadline_;
    Tally& tally_;
    int ep_ = -1;
    std::size_t in_flight_ = 0;
    msgpack::sbuffer buf_{512};
};

struct TrackerStatus {
    uint64_t seq = 0;
    uint64_t durable = 0;
    uint64_t snapshot = 0;
    uint64_t fsyncs = 0;
};

struct PhaseResult {
    Workload workload = Workload::read;
    std::size_t clients = 0;
    double seconds = 0;
    Tally tally;
    uint64_t journal_records = 0;
    uint64_t fsyncs = 0;
    double tracker_cpu_pct = 0;
    double bench_cpu_pct = 0;
    double other_cpu_pct = 0;  // everything else on the machine (other programs)
    double tracker_cpu_us_per_request = 0;  // tracker CPU / (requests + heartbeats)
    std::vector<std::pair<std::string, double>> tracker_threads;  // busiest first: label, % of one core
    std::optional<uint64_t> tracker_rss_kib;  // VmHWM right after the phase
};

double own_cpu_seconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

std::string ms(uint64_t nanos) { return fixed(static_cast<double>(nanos) / 1e6, 3); }

class TrackerBench {
public:
    explicit TrackerBench(Options opt) : opt_(std::move(opt)), dir_("p2pshare-bench-") {
        if (opt_.keep) dir_.keep();
    }

    ~TrackerBench() { stop_tracker(); }

    int run() {
        if (const auto load = load_average_1m()) note("load average (1 min) before the run: " + fixed(*load, 2));
        const auto setup_start = Clock::now();
        start_tracker();
        connect_clients();
        const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
        note("setup: " + std::to_string(clients_.size()) + " client(s) logged in, " + std::to_string(kGroups) +
             " groups, in " + fixed(setup_s, 1) + " s");

        std::vector<PhaseResult> results;
        results.push_back(run_phase(Workload::read));
        prepare_writes();
        results.push_back(run_phase(Workload::write));
        const auto peak = peak_rss_kib(tracker_.pid());
        const bool clean = stop_tracker();
        report(results, peak);
        if (!clean) note("warning: the tracker " + tracker_.exit_description() + " after 'quit'");
        if (opt_.keep) note("kept " + dir_.path().string());
        return 0;
    }

private:
    void note(const std::string& text) const { std::cerr << "bench: " << text << std::endl; }

    // Why the tracker is of no use any more, for an error line.
    std::string tracker_problem(const std::string& what) {
        // A tracker that just closed its output may not be reapable yet.
        tracker_.wait_exit(milliseconds(300));
        std::string why = what;
        if (!tracker_.running()) why = "the tracker " + tracker_.exit_description();
        const auto& err = tracker_.recent_stderr();
        if (!err.empty()) why += " (its last words: " + err.back() + ")";
        return why;
    }

    void start_tracker() {
        const auto tracker_bin = opt_.bin_dir / "tracker";
        if (::access(tracker_bin.c_str(), X_OK) != 0) {
            throw SetupError("no tracker binary at " + tracker_bin.string() +
                             " (build the tracker target, or pass --bin DIR)");
        }
        const auto ports = pick_free_loopback_ports(2);
        port_ = ports[0];
        write_text_file(dir_.path() / "tracker_info.txt",
                        "# written by bench tracker\n127.0.0.1:" + std::to_string(ports[0]) +
                            " pub=" + std::to_string(ports[1]) + "\n");
        tracker_ = ChildProcess::spawn(
            // --plain: the bench's own ZMTP client speaks the NULL mechanism only.
            {tracker_bin.string(), "tracker_info.txt", "1", "--data", (dir_.path() / "t1").string(), "--plain"},
            dir_.path());
        const auto ready = tracker_.wait_for_line(
            ChildProcess::Stream::err, [](std::string_view line) { return line.rfind("tracker 1: ready", 0) == 0; },
            std::chrono::seconds(15));
        if (!ready) throw SetupError(tracker_problem("no 'tracker 1: ready' line within 15 s"));
        note("tracker pid " + std::to_string(tracker_.pid()) + " on 127.0.0.1:" + std::to_string(ports[0]) +
             ", dir " + dir_.path().string());
    }

    milliseconds round_timeout(std::size_t requests) const {
        // CreateUser and Login each cost ~40 ms of PBKDF2 on one of 2 hashers.
        return milliseconds(10000 + 100 * static_cast<long>(requests));
    }

    void heartbeat_all(std::size_t count) {
        exchange_all<msg::Heartbeat>(
            clients_, 0, count, [&](std::size_t i) { return msg::Heartbeat{clients_[i].token}; }, Kind::Ok, "Heartbeat",
            round_timeout(0));
    }

    void connect_clients() {
        ctx_.emplace(1);
        const std::size_t n = opt_.clients;
        clients_.reserve(n);
        const int width = n > 100 ? static_cast<int>(std::to_string(n - 1).size()) : 2;
        const std::string run_id = p2p::random_hex(4);  // node ids differ between runs, too
        for (std::size_t i = 0; i < n; ++i) {
            Client c;
            c.conn = connect_tracker(opt_.client, *ctx_, "127.0.0.1", port_);
            char name[32];
            std::snprintf(name, sizeof name, "user%0*zu", width, i);
            c.user = name;
            std::snprintf(name, sizeof name, "%s%08zx", run_id.c_str(), i);
            c.node_id = name;
            clients_.push_back(std::move(c));
        }
        exchange_all<msg::Hello>(
            clients_, 0, n,
            [&](std::size_t i) { return msg::Hello{msg::kProtocolVersion, clients_[i].node_id}; },
            Kind::HelloOk, "Hello", round_timeout(0));
        exchange_all<msg::CreateUser>(
            clients_, 0, n, [&](std::size_t i) { return msg::CreateUser{clients_[i].user, kPassword}; }, Kind::Ok,
            "CreateUser", round_timeout(n));
        // Logins in batches: a session without a heartbeat for 5 s expires, and
        // all the logins together may take longer than that.
        for (std::size_t first = 0; first < n; first += kLoginBatch) {
            const std::size_t count = std::min(kLoginBatch, n - first);
            auto replies = exchange_all<msg::Login>(
                clients_, first, count,
                [&](std::size_t i) {
                    const auto port = static_cast<unsigned>(kFirstNodePort + i);
                    return msg::Login{clients_[i].user, kPassword, clients_[i].node_id, "127.0.0.1:" + std::to_string(port)};
                },
                Kind::LoginOk, "Login", round_timeout(count));
            for (std::size_t j = 0; j < count; ++j) {
                auto ok = replies[j].as<msg::LoginOk>();
                if (!ok || ok->token.empty()) throw SetupError("Login: a LoginOk without a token");
                clients_[first + j].token = ok->token;
            }
            heartbeat_all(first + count);
        }
        for (std::size_t k = 0; k < kGroups; ++k) {
            char name[32];
            std::snprintf(name, sizeof name, "group%02zu", k);
            groups_.push_back(name);
            exchange_all<msg::CreateGroup>(
                clients_, 0, 1, [&](std::size_t) { return msg::CreateGroup{clients_[0].token, groups_.back()}; },
                Kind::Ok, "CreateGroup " + groups_.back(), round_timeout(0));
        }
    }

    // Client 0 owns the 20 groups (it can neither join nor leave them the way
    // the others do), so it gets a group of its own to join, owned by client 1.
    void prepare_writes() {
        if (clients_.size() < 2) {
            note("write phase: a single client owns every group and has nothing to join; it sits out");
            return;
        }
        heartbeat_all(clients_.size());
        exchange_all<msg::CreateGroup>(
            clients_, 1, 1, [&](std::size_t) { return msg::CreateGroup{clients_[1].token, kClientZeroGroup}; }, Kind::Ok,
            "CreateGroup " + std::string(kClientZeroGroup), round_timeout(0));
    }

    std::vector<Slot> make_slots(Workload w) {
        std::vector<Slot> slots(clients_.size());
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            Slot& s = slots[i];
            Client& c = clients_[i];
            s.client = &c;
            s.heartbeat = msg::Heartbeat{c.token};
            s.list = msg::ListGroups{c.token};
            if (w != Workload::write) continue;
            std::vector<std::string> groups = groups_;
            if (i == 0) groups = {kClientZeroGroup};
            s.writes = i != 0 || clients_.size() >= 2;
            for (const auto& g : groups) {
                s.joins.push_back(msg::JoinGroup{c.token, g});
                s.leaves.push_back(msg::LeaveGroup{c.token, g});
            }
            s.first_group = i % groups.size();
        }
        return slots;
    }

    TrackerStatus query_status() {
        if (!tracker_.write_stdin("status\n")) throw SetupError(tracker_problem("the tracker closed its console"));
        const auto line = tracker_.wait_for_line(
            ChildProcess::Stream::out, [](std::string_view l) { return l.rfind("journal seq ", 0) == 0; },
            std::chrono::seconds(5));
        if (!line) throw SetupError(tracker_problem("the tracker did not answer 'status' within 5 s"));
        TrackerStatus st;
        if (std::sscanf(line->c_str(),
                        "journal seq %" SCNu64 " (durable %" SCNu64 ", snapshot %" SCNu64 ", %" SCNu64 " fsyncs)",
                        &st.seq, &st.durable, &st.snapshot, &st.fsyncs) != 4) {
            throw SetupError("cannot read the tracker's status line '" + *line + "'");
        }
        return st;
    }

    PhaseResult run_phase(Workload w) {
        auto slots = make_slots(w);
        const std::size_t threads = std::max<std::size_t>(1, std::min(opt_.threads, slots.size()));
        std::vector<Tally> tallies(threads);
        std::size_t active = 0;
        for (const Slot& s : slots) active += (w == Workload::read || s.writes) ? 1 : 0;
        note(std::string(name_of(w)) + " phase: " + std::to_string(active) + " client(s) on " +
             std::to_string(threads) + " thread(s) for " + fixed(opt_.seconds, 1) + " s");

        const TrackerStatus before = query_status();
        const auto threads0 = thread_cpu(tracker_.pid());
        const auto tracker_cpu0 = cpu_seconds(tracker_.pid());
        const double bench_cpu0 = own_cpu_seconds();
        const auto machine_cpu0 = machine_busy_cpu_seconds();
        const auto wall0 = Clock::now();
        const auto deadline = active == 0 ? wall0
                                          : wall0 + std::chrono::duration_cast<Clock::duration>(
                                                        std::chrono::duration<double>(opt_.seconds));
        {
            std::vector<std::jthread> workers;
            for (std::size_t t = 0; t < threads; ++t) {
                const std::size_t lo = t * slots.size() / threads;
                const std::size_t hi = (t + 1) * slots.size() / threads;
                workers.emplace_back([&, lo, hi, t] {
                    try {
                        ClientLoop(std::span<Slot>(slots.data() + lo, hi - lo), w, deadline, tallies[t]).run();
                    } catch (const std::exception& e) {
                        tallies[t].error(std::string("client thread stopped: ") + e.what());
                    }
                });
            }
        }
        const auto wall1 = Clock::now();
        const auto tracker_cpu1 = cpu_seconds(tracker_.pid());
        const auto threads1 = thread_cpu(tracker_.pid());
        const double bench_cpu1 = own_cpu_seconds();
        const auto machine_cpu1 = machine_busy_cpu_seconds();
        const TrackerStatus after = query_status();

        PhaseResult r;
        r.workload = w;
        r.clients = active;
        r.seconds = opt_.seconds;
        for (const Tally& t : tallies) r.tally.merge(t);
        r.journal_records = after.seq - before.seq;
        r.fsyncs = after.fsyncs - before.fsyncs;
        const double wall = std::chrono::duration<double>(wall1 - wall0).count();
        if (tracker_cpu0 && tracker_cpu1) r.tracker_cpu_pct = 100 * (*tracker_cpu1 - *tracker_cpu0) / wall;
        r.bench_cpu_pct = 100 * (bench_cpu1 - bench_cpu0) / wall;
        if (machine_cpu0 && machine_cpu1) {
            r.other_cpu_pct =
                std::max(0.0, 100 * (*machine_cpu1 - *machine_cpu0) / wall - r.tracker_cpu_pct - r.bench_cpu_pct);
        }
        r.tracker_rss_kib = peak_rss_kib(tracker_.pid());
        const uint64_t answered = r.tally.requests + r.tally.heartbeats;
        if (answered > 0 && tracker_cpu0 && tracker_cpu1) {
            r.tracker_cpu_us_per_request = 1e6 * (*tracker_cpu1 - *tracker_cpu0) / static_cast<double>(answered);
        }
        r.tracker_threads = thread_deltas(threads0, threads1, wall);
        if (active == 0) {  // no phase, no figures (the wall time is ~0)
            r.tracker_cpu_pct = r.bench_cpu_pct = r.other_cpu_pct = r.tracker_cpu_us_per_request = 0;
            r.tracker_threads.clear();
        }
        return r;
    }

    // Per-thread CPU in the phase as % of one core, busiest first; threads
    // that share a name (the actor threads are all "tracker") get their tid.
    static std::vector<std::pair<std::string, double>> thread_deltas(const std::vector<ThreadCpu>& before,
                                                                     const std::vector<ThreadCpu>& after, double wall) {
        std::vector<std::pair<std::string, double>> out;
        for (const auto& a : after) {
            double start = 0;
            for (const auto& b : before) {
                if (b.tid == a.tid) start = b.seconds;
            }
            const auto same_name = std::count_if(after.begin(), after.end(), [&](const ThreadCpu& t) { return t.name == a.name; });
            const std::string label = same_name > 1 ? a.name + ":" + std::to_string(a.tid) : a.name;
            out.emplace_back(label, 100 * (a.seconds - start) / wall);
        }
        std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
        return out;
    }

    // quit on its console, then SIGKILL after 5 s. True when it exited by itself with 0.
    bool stop_tracker() {
        if (tracker_.pid() <= 0 || !tracker_.running()) return true;
        clients_.clear();
        if (tracker_.write_stdin("quit\n") && tracker_.wait_exit(std::chrono::seconds(5))) {
            return tracker_.exit_description() == "exited with status 0";
        }
        tracker_.kill_and_reap();
        return false;
    }

    void report(const std::vector<PhaseResult>& results, std::optional<uint64_t> peak_kib) const {
        if (opt_.json) {
            for (const auto& r : results) {
                const auto& t = r.tally;
                JsonObject o;
                o.add("phase", name_of(r.workload))
                    .add("clients", static_cast<uint64_t>(r.clients))
                    .add("seconds", r.seconds, 3)
                    .add("requests", t.requests)
                    .add("req_per_s", static_cast<double>(t.requests) / r.seconds, 1)
                    .add("p50_ms", static_cast<double>(t.latency.quantile_nanos(0.50)) / 1e6, 4)
                    .add("p90_ms", static_cast<double>(t.latency.quantile_nanos(0.90)) / 1e6, 4)
                    .add("p99_ms", static_cast<double>(t.latency.quantile_nanos(0.99)) / 1e6, 4)
                    .add("max_ms", static_cast<double>(t.latency.max_nanos()) / 1e6, 4)
                    .add("mean_ms", t.latency.mean_nanos() / 1e6, 4)
                    .add("errors", t.errors)
                    .add("lost", t.lost)
                    .add("heartbeats", t.heartbeats)
                    .add("journal_records", r.journal_records)
                    .add("fsyncs", r.fsyncs);
                if (r.fsyncs > 0) {
                    o.add("writes_per_fsync", static_cast<double>(r.journal_records) / static_cast<double>(r.fsyncs), 2);
                } else {
                    o.add_null("writes_per_fsync");
                }
                o.add("tracker_cpu_pct", r.tracker_cpu_pct, 1)
                    .add("bench_cpu_pct", r.bench_cpu_pct, 1)
                    .add("other_cpu_pct", r.other_cpu_pct, 1)
                    .add("cores", static_cast<uint64_t>(std::thread::hardware_concurrency()))
                    .add("tracker_cpu_us_per_req", r.tracker_cpu_us_per_request, 2);
                std::string threads = "{";
                for (const auto& [label, pct] : r.tracker_threads) {
                    if (threads.size() > 1) threads += ", ";
                    threads += json_quote(label) + ": " + fixed(pct, 1);
                }
                o.add_raw("tracker_threads_cpu_pct", threads + "}");
                if (r.tracker_rss_kib) {
                    o.add("tracker_peak_rss_kib", *r.tracker_rss_kib);
                } else {
                    o.add_null("tracker_peak_rss_kib");
                }
                if (!t.first_error.empty()) o.add("first_error", t.first_error);
                std::cout << o.str() << "\n";
            }
            std::cout.flush();
            return;
        }
        Table table({"<phase", "clients", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors",
                     "fsyncs", "writes/fsync", "tracker cpu", "tracker us/req", "bench cpu", "other cpu"});
        for (const auto& r : results) {
            const auto& t = r.tally;
            const bool writes = r.workload == Workload::write;
            table.add_row({name_of(r.workload), std::to_string(r.clients), group_digits(t.requests),
                           group_digits(static_cast<uint64_t>(static_cast<double>(t.requests) / r.seconds + 0.5)),
                           ms(t.latency.quantile_nanos(0.50)), ms(t.latency.quantile_nanos(0.90)),
                           ms(t.latency.quantile_nanos(0.99)), ms(t.latency.max_nanos()),
                           std::to_string(t.errors + t.lost), std::to_string(r.fsyncs),
                           writes && r.fsyncs ? fixed(static_cast<double>(r.journal_records) /
                                                          static_cast<double>(r.fsyncs), 1)
                                              : "-",
                           fixed(r.tracker_cpu_pct, 0) + "%", fixed(r.tracker_cpu_us_per_request, 1),
                           fixed(r.bench_cpu_pct, 0) + "%",
                           fixed(r.other_cpu_pct, 0) + "%"});
        }
        table.print(std::cout);
        std::cout << "tracker peak RSS (VmHWM): "
                  << (peak_kib ? fixed(static_cast<double>(*peak_kib) / 1024.0, 1) + " MiB" : std::string("unknown"))
                  << "\n";
        std::cout << "cpu: % of one core, " << std::thread::hardware_concurrency()
                  << " cores; other = the rest of the machine during the phase\n";
        for (const auto& r : results) {
            std::string busiest;
            for (const auto& [label, pct] : r.tracker_threads) {
                if (pct < 1) break;
                busiest += (busiest.empty() ? "" : ", ") + label + " " + fixed(pct, 0) + "%";
            }
            if (!busiest.empty()) std::cout << name_of(r.workload) << ": tracker threads: " << busiest << "\n";
        }
        for (const auto& r : results) {
            if (r.other_cpu_pct > 20) {
                std::cout << name_of(r.workload) << ": warning: other programs used " << fixed(r.other_cpu_pct, 0)
                          << "% CPU meanwhile; these figures understate the tracker\n";
            }
            if (r.tally.lost) std::cout << name_of(r.workload) << ": " << r.tally.lost << " request(s) unanswered\n";
            if (!r.tally.first_error.empty()) {
                std::cout << name_of(r.workload) << ": first error: " << r.tally.first_error << "\n";
            }
        }
        std::cout.flush();
    }

    static constexpr const char* kClientZeroGroup = "bench-c0";

    Options opt_;
    TempDir dir_;
    ChildProcess tracker_;
    uint16_t port_ = 0;
    // Declared after the tracker: the sockets close, then the context, then
    // the tracker is stopped, then the directory goes.
    std::optional<zmq::context_t> ctx_;
    std::vector<Client> clients_;
    std::vector<std::string> groups_;
};

int usage_error(const std::string& why) {
    std::cerr << "error: " << why << "\n(bench tracker --help shows the options)\n";
    return 2;
}

}  // namespace

int tracker_main(const std::vector<std::string>& args) {
    Options opt;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--keep") {
            opt.keep = true;
        } else if (arg == "--json") {
            opt.json = true;
        } else if (arg == "--clients" || arg == "--seconds" || arg == "--threads" || arg == "--bin" ||
                   arg == "--client") {
            if (i + 1 >= args.size()) return usage_error(arg + " needs a value");
            const std::string& value = args[++i];
            if (arg == "--clients") {
                const auto n = parse_long(value, 1, 4096);
                if (!n) return usage_error("--clients wants a number from 1 to 4096, got '" + value + "'");
                opt.clients = static_cast<std::size_t>(*n);
            } else if (arg == "--threads") {
                const auto n = parse_long(value, 1, 64);
                if (!n) return usage_error("--threads wants a number from 1 to 64, got '" + value + "'");
                opt.threads = static_cast<std::size_t>(*n);
            } else if (arg == "--seconds") {
                const auto s = parse_seconds(value);
                if (!s) return usage_error("--seconds wants a positive number, got '" + value + "'");
                opt.seconds = *s;
            } else if (arg == "--client") {
                if (value == "zmtp") {
                    opt.client = ClientKind::zmtp;
                } else if (value == "zmq") {
                    opt.client = ClientKind::zmq;
                } else {
                    return usage_error("--client wants zmtp or zmq, got '" + value + "'");
                }
            } else {
                opt.bin_dir = value;
            }
        } else {
            return usage_error("unknown argument '" + arg + "'");
        }
    }
    try {
        if (opt.bin_dir.empty()) opt.bin_dir = own_bin_dir();
        TrackerBench bench(std::move(opt));
        return bench.run();
    } catch (const SetupError& e) {
        std::cerr << "error: " << e.what() << std::endl;
    } catch (const zmq::error_t& e) {
        std::cerr << "error: ZeroMQ: " << e.what() << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
    }
    return 1;
}

}  // namespace bench
