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
#include "latency.hpp"
#include "messages/random_id.hpp"
#include "report_table.hpp"
#include "support.hpp"
#include "tracker_client.hpp"
#include "tracker_cluster.hpp"

namespace bench {

namespace {

namespace msg = p2p::msg;
using p2p::Kind;
using std::chrono::milliseconds;

const char* const kUsage = R"(usage: bench tracker [--clients N] [--seconds S] [--threads N] [--client zmtp|zmq]
                     [--standbys N | --compare-standby [--rounds R]]
                     [--bin DIR] [--keep] [--json]

Starts one tracker on 127.0.0.1 (data in a temp dir) -- with --standbys N,
N standby trackers too, and waits until each says it is synced with tracker
1 -- connects N simulated nodes (one DEALER connection each) to tracker 1,
and for each: Hello, CreateUser, Login. The first node creates 20 groups.
Then two closed-loop phases of S seconds, each client with one request in
flight at a time:

  read   ListGroups -> GroupList (the 20 groups); any other reply is an error
  write  JoinGroup g / LeaveGroup g, g cycling over the 20 groups; each is
         journaled and fsynced before the tracker replies; Error = error

Every client also sends the Heartbeat a node sends every second (not counted
as a request), so sessions stay alive as they would in real use.

Prints per phase: clients, requests, req/s, latency p50/p90/p99/max (ms),
errors, the tracker's fsyncs in the phase and journal records per fsync, the
CPU used by the tracker, the bench and everything else (% of one core), and
the tracker's CPU per answered request; then the tracker's peak RSS (VmHWM)
and its busiest threads. With standbys: how many tracker 1 streamed to (and
waited for) before and after each phase, and their CPU.

Options:
  --clients N   simulated nodes (default 64)
  --seconds S   length of each phase, fractions allowed (default 10)
  --threads N   client threads sharing the connections (default 2)
  --client K    zmtp (default): each DEALER speaks ZMTP 3.0 itself over a TCP
                socket, one send() per request, so the bench leaves the CPU
                to the tracker; zmq: libzmq DEALER sockets, as nodes use
                (about 4x the bench's CPU per request)
  --standbys N  also start N standby trackers (default 0): every write the
                tracker acknowledges is then on each standby's disk too
  --compare-standby
                the write phase only, with 0 and with 1 standby: both set
                up and left running, their write phases (S seconds each)
                take turns, R rounds; rows side by side, then the latency
                ratios per round and over all rounds. The goal: replicated
                writes within 2x the p50 and p99 of unreplicated ones
  --rounds R    with --compare-standby: rounds of (0, 1) (default 3)
  --bin DIR     directory holding the tracker binary (default: bench's own)
  --keep        keep the temp dir (tracker_info.txt, journals) and print its path
  --json        one JSON object per phase on stdout instead of the table

Exit status: 0 measured, 1 setup failed (one "error: ..." line), 2 bad usage.

Example:
  bench tracker --clients 64 --seconds 5
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
    std::size_t standbys = 0;
    bool compare_standby = false;
    std::size_t rounds = 3;
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
    // Replication: standbys started, how many tracker 1 streamed to before
    // and after the phase, whether it dropped one meanwhile, their CPU.
    std::size_t standbys = 0;
    std::size_t streaming_before = 0;
    std::size_t streaming_after = 0;
    bool standby_dropped = false;
    double standby_cpu_pct = 0;
    std::size_t round = 0;  // --compare-standby: which round (1-based)
};

double own_cpu_seconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

std::string ms(uint64_t nanos) { return fixed(static_cast<double>(nanos) / 1e6, 3); }

void note(const std::string& text) { std::cerr << "bench: " << text << std::endl; }

std::string standbys_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " standby" : " standbys"); }

// One tracker (tracker 1, which the clients talk to) and `standbys` standby
// trackers, with the clients logged in; runs phases against tracker 1.
class TrackerBench {
public:
    TrackerBench(const Options& opt, std::size_t standbys)
        : opt_(opt), standbys_(standbys), dir_("p2pshare-bench-") {
        if (opt_.keep) dir_.keep();
    }

    ~TrackerBench() { stop_trackers(); }

    // While another bench's phase runs, this one's clients heartbeat once a
    // second from a thread of their own, so their sessions do not expire.
    void keep_alive(bool on) {
        if (!on) {
            stop_keeper();
            if (!keeper_error_.empty()) throw SetupError("keeping the idle sessions alive: " + keeper_error_);
            return;
        }
        if (keeper_.joinable() || clients_.empty()) return;
        keeper_ = std::jthread([this](std::stop_token stop) {
            try {
                while (!stop.stop_requested()) {
                    heartbeat_all(clients_.size());
                    for (int i = 0; i < 20 && !stop.stop_requested(); ++i) std::this_thread::sleep_for(milliseconds(50));
                }
            } catch (const std::exception& e) {
                keeper_error_ = e.what();
            }
        });
    }

    void setup() {
        const auto setup_start = Clock::now();
        start_trackers();
        connect_clients();
        const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
        note("setup: " + std::to_string(clients_.size()) + " client(s) logged in, " + std::to_string(kGroups) +
             " groups, in " + fixed(setup_s, 1) + " s");
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

    PhaseResult run_phase(Workload w) {
        auto slots = make_slots(w);
        const std::size_t threads = std::max<std::size_t>(1, std::min(opt_.threads, slots.size()));
        std::vector<Tally> tallies(threads);
        std::size_t active = 0;
        for (const Slot& s : slots) active += (w == Workload::read || s.writes) ? 1 : 0;
        note(std::string(name_of(w)) + " phase: " + std::to_string(active) + " client(s) on " +
             std::to_string(threads) + " thread(s) for " + fixed(opt_.seconds, 1) + " s" +
             (standbys_ ? ", " + standbys_text(standbys_) : std::string()));

        const pid_t pid = cluster_->pid(1);
        const TrackerStatus before = cluster_->status(1);
        const auto threads0 = thread_cpu(pid);
        const auto tracker_cpu0 = cpu_seconds(pid);
        const auto standby_cpu0 = standby_cpu_seconds();
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
        if (w == Workload::write) {
            write_steps_.clear();
            for (const Slot& s : slots) write_steps_.push_back(s.step);
        }
        const auto tracker_cpu1 = cpu_seconds(pid);
        const auto threads1 = thread_cpu(pid);
        const auto standby_cpu1 = standby_cpu_seconds();
        const double bench_cpu1 = own_cpu_seconds();
        const auto machine_cpu1 = machine_busy_cpu_seconds();
        const TrackerStatus after = cluster_->status(1);

        PhaseResult r;
        r.workload = w;
        r.clients = active;
        r.seconds = opt_.seconds;
        for (const Tally& t : tallies) r.tally.merge(t);
        r.journal_records = after.seq - before.seq;
        r.fsyncs = after.fsyncs - before.fsyncs;
        const double wall = std::chrono::duration<double>(wall1 - wall0).count();
        if (tracker_cpu0 && tracker_cpu1) r.tracker_cpu_pct = 100 * (*tracker_cpu1 - *tracker_cpu0) / wall;
        if (standby_cpu0 && standby_cpu1) r.standby_cpu_pct = 100 * (*standby_cpu1 - *standby_cpu0) / wall;
        r.bench_cpu_pct = 100 * (bench_cpu1 - bench_cpu0) / wall;
        if (machine_cpu0 && machine_cpu1) {
            r.other_cpu_pct = std::max(0.0, 100 * (*machine_cpu1 - *machine_cpu0) / wall - r.tracker_cpu_pct -
                                                r.standby_cpu_pct - r.bench_cpu_pct);
        }
        r.tracker_rss_kib = peak_rss_kib(pid);
        const uint64_t answered = r.tally.requests + r.tally.heartbeats;
        if (answered > 0 && tracker_cpu0 && tracker_cpu1) {
            r.tracker_cpu_us_per_request = 1e6 * (*tracker_cpu1 - *tracker_cpu0) / static_cast<double>(answered);
        }
        r.tracker_threads = thread_deltas(threads0, threads1, wall);
        r.standbys = standbys_;
        r.streaming_before = before.streaming_to;
        r.streaming_after = after.streaming_to;
        // The primary logs it when a standby stops holding up writes.
        r.standby_dropped =
            standbys_ > 0 &&
            cluster_->wait_line(1, ChildProcess::Stream::err, "writes no longer wait for it", milliseconds(0)).has_value();
        if (active == 0) {  // no phase, no figures (the wall time is ~0)
            r.tracker_cpu_pct = r.bench_cpu_pct = r.other_cpu_pct = r.tracker_cpu_us_per_request = 0;
            r.standby_cpu_pct = 0;
            r.tracker_threads.clear();
        }
        return r;
    }

    std::optional<uint64_t> tracker_peak_rss() { return peak_rss_kib(cluster_->pid(1)); }

    // Closes the connections and stops the trackers; true when each exited by itself with 0.
    bool stop_trackers() {
        stop_keeper();
        clients_.clear();
        if (!cluster_) return true;
        bool clean = true;
        for (std::size_t n = 1; n <= cluster_->size(); ++n) {
            if (!cluster_->stop(n)) {
                note("warning: tracker " + std::to_string(n) + " " + cluster_->process(n).exit_description() +
                     " after 'quit'");
                clean = false;
            }
        }
        return clean;
    }

    const TempDir& dir() const { return dir_; }

private:
    void stop_keeper() {
        if (!keeper_.joinable()) return;
        keeper_.request_stop();
        keeper_.join();
    }

    void start_trackers() {
        cluster_.emplace(opt_.bin_dir, dir_.path(), 1 + standbys_, true);  // NULL-only ZMTP clients
        cluster_->start_all();
        std::string pids = "tracker pid " + std::to_string(cluster_->pid(1)) + " on 127.0.0.1:" +
                           std::to_string(cluster_->rpc_port(1));
        for (std::size_t n = 2; n <= cluster_->size(); ++n) {
            pids += ", standby " + std::to_string(n) + " pid " + std::to_string(cluster_->pid(n)) + " (synced)";
        }
        note(pids + ", dir " + dir_.path().string());
    }

    std::optional<double> standby_cpu_seconds() {
        double sum = 0;
        for (std::size_t n = 2; n <= cluster_->size(); ++n) {
            const auto s = cpu_seconds(cluster_->pid(n));
            if (!s) return std::nullopt;
            sum += *s;
        }
        return sum;
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
            c.conn = connect_tracker(opt_.client, *ctx_, "127.0.0.1", cluster_->rpc_port(1));
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
            // A phase may end between a join and its leave: the next write
            // phase (--compare-standby) goes on from there.
            if (write_steps_.size() == clients_.size()) s.step = write_steps_[i];
        }
        return slots;
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

    static constexpr const char* kClientZeroGroup = "bench-c0";

    const Options& opt_;
    const std::size_t standbys_;
    TempDir dir_;
    // Declared after the directory: the sockets close, then the context,
    // then the trackers are stopped, then the directory goes.
    std::optional<TrackerCluster> cluster_;
    std::optional<zmq::context_t> ctx_;
    std::vector<Client> clients_;
    std::vector<std::string> groups_;
    std::vector<uint64_t> write_steps_;  // per client: where its join/leave alternation stands
    std::jthread keeper_;  // keep_alive(true); stopped before the clients go
    std::string keeper_error_;
};

JsonObject phase_json(const PhaseResult& r) {
    const auto& t = r.tally;
    JsonObject o;
    o.add("phase", name_of(r.workload));
    if (r.round > 0) o.add("round", static_cast<uint64_t>(r.round));
    o.add("clients", static_cast<uint64_t>(r.clients))
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
    o.add("standbys", static_cast<uint64_t>(r.standbys))
        .add("standbys_streaming_before", static_cast<uint64_t>(r.streaming_before))
        .add("standbys_streaming_after", static_cast<uint64_t>(r.streaming_after))
        .add_raw("standby_dropped", r.standby_dropped ? "true" : "false")
        .add("standby_cpu_pct", r.standby_cpu_pct, 1);
    if (!t.first_error.empty()) o.add("first_error", t.first_error);
    return o;
}

// The phase table. With standbys (or in a comparison) two more columns: how
// many standbys tracker 1 streamed to at the end of the phase, and their CPU.
void print_table(const std::vector<PhaseResult>& results) {
    const bool replicated = std::any_of(results.begin(), results.end(), [](const auto& r) { return r.standbys > 0; });
    const bool rounds = std::any_of(results.begin(), results.end(), [](const auto& r) { return r.round > 1; });
    std::vector<std::string> columns;
    if (rounds) columns.push_back("round");
    columns.insert(columns.end(), {"<phase", "clients", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms",
                                   "errors", "fsyncs", "writes/fsync", "tracker cpu", "tracker us/req", "bench cpu"});
    if (replicated) columns.insert(columns.end(), {"standbys", "standby cpu"});
    columns.push_back("other cpu");
    Table table(columns);
    for (const auto& r : results) {
        const auto& t = r.tally;
        const bool writes = r.workload == Workload::write;
        std::vector<std::string> row;
        if (rounds) row.push_back(std::to_string(r.round));
        row.insert(row.end(),
                   {name_of(r.workload), std::to_string(r.clients), group_digits(t.requests),
                    group_digits(static_cast<uint64_t>(static_cast<double>(t.requests) / r.seconds + 0.5)),
                    ms(t.latency.quantile_nanos(0.50)), ms(t.latency.quantile_nanos(0.90)),
                    ms(t.latency.quantile_nanos(0.99)), ms(t.latency.max_nanos()), std::to_string(t.errors + t.lost),
                    std::to_string(r.fsyncs),
                    writes && r.fsyncs ? fixed(static_cast<double>(r.journal_records) / static_cast<double>(r.fsyncs), 1)
                                       : "-",
                    fixed(r.tracker_cpu_pct, 0) + "%", fixed(r.tracker_cpu_us_per_request, 1),
                    fixed(r.bench_cpu_pct, 0) + "%"});
        if (replicated) {
            row.push_back(r.standbys ? std::to_string(r.streaming_after) + " of " + std::to_string(r.standbys) : "none");
            row.push_back(r.standbys ? fixed(r.standby_cpu_pct, 0) + "%" : "-");
        }
        row.push_back(fixed(r.other_cpu_pct, 0) + "%");
        table.add_row(std::move(row));
    }
    table.print(std::cout);
}

// What to say under the table: standbys, threads, warnings, errors.
void print_notes(const std::vector<PhaseResult>& results) {
    std::cout << "cpu: % of one core, " << std::thread::hardware_concurrency()
              << " cores; other = the rest of the machine during the phase\n";
    for (const auto& r : results) {
        const std::string label = std::string(name_of(r.workload)) +
                                  (r.round > 0 ? " (round " + std::to_string(r.round) + ", " +
                                                     standbys_text(r.standbys) + ")"
                                               : std::string());
        if (r.standbys > 0) {
            std::cout << label << ": tracker 1 streamed to " << r.streaming_before << " of " << r.standbys
                      << " standby(s) before the phase and " << r.streaming_after << " after"
                      << (r.standby_dropped ? "; it stopped waiting for one during the phase (see its log)" : "")
                      << "\n";
        }
        std::string busiest;
        for (const auto& [name, pct] : r.tracker_threads) {
            if (pct < 1) break;
            busiest += (busiest.empty() ? "" : ", ") + name + " " + fixed(pct, 0) + "%";
        }
        if (!busiest.empty()) std::cout << label << ": tracker threads: " << busiest << "\n";
        if (r.other_cpu_pct > 20) {
            std::cout << label << ": warning: other programs used " << fixed(r.other_cpu_pct, 0)
                      << "% CPU meanwhile; these figures understate the tracker\n";
        }
        if (r.tally.lost) std::cout << label << ": " << r.tally.lost << " request(s) unanswered\n";
        if (!r.tally.first_error.empty()) std::cout << label << ": first error: " << r.tally.first_error << "\n";
    }
}

int run_phases(const Options& opt) {
    if (const auto load = load_average_1m()) note("load average (1 min) before the run: " + fixed(*load, 2));
    TrackerBench bench(opt, opt.standbys);
    bench.setup();
    std::vector<PhaseResult> results;
    results.push_back(bench.run_phase(Workload::read));
    bench.prepare_writes();
    results.push_back(bench.run_phase(Workload::write));
    const auto peak = bench.tracker_peak_rss();
    bench.stop_trackers();
    if (opt.json) {
        for (const auto& r : results) std::cout << phase_json(r).str() << "\n";
        std::cout.flush();
    } else {
        print_table(results);
        std::cout << "tracker peak RSS (VmHWM): "
                  << (peak ? fixed(static_cast<double>(*peak) / 1024.0, 1) + " MiB" : std::string("unknown")) << "\n";
        print_notes(results);
        std::cout.flush();
    }
    if (opt.keep) note("kept " + bench.dir().path().string());
    return 0;
}

double ratio(uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0; }

// --compare-standby: one tracker alone and one with a standby, both set up
// once and left running; their write phases take turns, R rounds of
// (0 standbys, 1 standby), so that both see the same machine (others' load
// comes and goes). The idle one's clients keep heartbeating meanwhile.
int run_comparison(const Options& opt) {
    if (const auto load = load_average_1m()) note("load average (1 min) before the run: " + fixed(*load, 2));
    TrackerBench alone(opt, 0);
    TrackerBench replicated(opt, 1);
    TrackerBench* benches[2] = {&alone, &replicated};
    for (TrackerBench* b : benches) {
        b->setup();
        b->prepare_writes();
        b->keep_alive(true);
    }
    std::vector<PhaseResult> results;
    for (std::size_t round = 1; round <= opt.rounds; ++round) {
        for (TrackerBench* b : benches) {
            b->keep_alive(false);
            results.push_back(b->run_phase(Workload::write));
            results.back().round = round;
            b->keep_alive(true);
        }
    }
    for (TrackerBench* b : benches) {
        b->stop_trackers();
        if (opt.keep) note("kept " + b->dir().path().string());
    }

    // Ratios (1 standby / 0 standbys) per round and, with several rounds, of
    // all rounds' latencies together.
    struct Ratio {
        std::string label;
        double p50 = 0, p99 = 0, rate = 0;
    };
    auto ratio_of = [](std::string label, const Tally& a, const Tally& b) {
        auto q = [](const Tally& t, double x) { return t.latency.quantile_nanos(x); };
        return Ratio{std::move(label), ratio(q(b, 0.5), q(a, 0.5)), ratio(q(b, 0.99), q(a, 0.99)),
                     ratio(b.requests, a.requests)};
    };
    std::vector<Ratio> ratios;
    Tally all[2];
    for (std::size_t i = 0; i + 1 < results.size(); i += 2) {
        ratios.push_back(ratio_of("round " + std::to_string(results[i].round), results[i].tally, results[i + 1].tally));
        all[0].merge(results[i].tally);
        all[1].merge(results[i + 1].tally);
    }
    if (ratios.size() > 1) ratios.push_back(ratio_of("all rounds", all[0], all[1]));
    const Ratio& verdict = ratios.back();
    const bool met = verdict.p50 <= 2 && verdict.p99 <= 2;
    if (opt.json) {
        for (const auto& r : results) std::cout << phase_json(r).str() << "\n";
        for (const auto& r : ratios) {
            JsonObject o;
            o.add("compare", "1 standby / 0 standbys")
                .add("of", r.label)
                .add("p50_ratio", r.p50, 3)
                .add("p99_ratio", r.p99, 3)
                .add("req_per_s_ratio", r.rate, 3);
            std::cout << o.str() << "\n";
        }
        std::cout.flush();
        return 0;
    }
    print_table(results);
    if (ratios.size() > 1) {
        Table sums({"<all rounds", "requests", "p50 ms", "p90 ms", "p99 ms", "max ms"});
        const char* names[2] = {"0 standbys", "1 standby"};
        for (int k = 0; k < 2; ++k) {
            const auto& l = all[k].latency;
            sums.add_row({names[k], group_digits(all[k].requests), ms(l.quantile_nanos(0.5)), ms(l.quantile_nanos(0.9)),
                          ms(l.quantile_nanos(0.99)), ms(l.max_nanos())});
        }
        std::cout << "\n";
        sums.print(std::cout);
    }
    Table table({"<1 standby / 0 standbys", "p50 ratio", "p99 ratio", "req/s ratio"});
    for (const auto& r : ratios) {
        table.add_row({r.label, "x" + fixed(r.p50, 2), "x" + fixed(r.p99, 2), "x" + fixed(r.rate, 2)});
    }
    std::cout << "\n";
    table.print(std::cout);
    std::cout << "goal: replicated writes within 2x the p50 and p99 latency of unreplicated ones: "
              << (met ? "met" : "missed") << " (" << verdict.label << ": p50 x" << fixed(verdict.p50, 2) << ", p99 x"
              << fixed(verdict.p99, 2) << ")\n";
    print_notes(results);
    std::cout.flush();
    return 0;
}

int usage_error(const std::string& why) {
    std::cerr << "error: " << why << "\n(bench tracker --help shows the options)\n";
    return 2;
}

}  // namespace

int tracker_main(const std::vector<std::string>& args) {
    Options opt;
    bool rounds_given = false;
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
        } else if (arg == "--compare-standby") {
            opt.compare_standby = true;
        } else if (arg == "--clients" || arg == "--seconds" || arg == "--threads" || arg == "--bin" ||
                   arg == "--client" || arg == "--standbys" || arg == "--rounds") {
            if (i + 1 >= args.size()) return usage_error(arg + " needs a value");
            const std::string& value = args[++i];
            std::string bad;
            if (arg == "--clients") {
                if (!parse_count_option(arg, value, 1, 4096, opt.clients, bad)) return usage_error(bad);
            } else if (arg == "--threads") {
                if (!parse_count_option(arg, value, 1, 64, opt.threads, bad)) return usage_error(bad);
            } else if (arg == "--standbys") {
                if (!parse_count_option(arg, value, 0, 8, opt.standbys, bad)) return usage_error(bad);
            } else if (arg == "--rounds") {
                if (!parse_count_option(arg, value, 1, 100, opt.rounds, bad)) return usage_error(bad);
                rounds_given = true;
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
    if (opt.compare_standby && opt.standbys > 0) {
        return usage_error("--compare-standby runs with 0 and with 1 standby itself; leave out --standbys");
    }
    if (rounds_given && !opt.compare_standby) return usage_error("--rounds goes with --compare-standby");
    try {
        if (opt.bin_dir.empty()) opt.bin_dir = own_bin_dir();
        return opt.compare_standby ? run_comparison(opt) : run_phases(opt);
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
