#include "failover_bench.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <limits>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <type_traits>

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

const char* const kUsage = R"(usage: bench failover [--runs K] [--clients N] [--kill primary|standby]
                      [--peer-timeout S] [--attempt-timeout S] [--request-timeout S]
                      [--seed N] [--bin DIR] [--keep] [--json]

Starts two trackers on 127.0.0.1 (tracker 1 primary, tracker 2 its standby;
it waits until tracker 2 is synced), and N simulated nodes (libzmq DEALERs,
as nodes use): Hello with a node id, CreateUser, Login, then each writes
CreateGroup c<i>-<k> (k = 0, 1, ...) with one request in flight, and a
Heartbeat every second. On trouble they do what a node does
(node/tracker_session.cpp): a request with no reply within the attempt
timeout moves, with every other, to the next tracker on a fresh connection
(Hello, then the same envelope with the same request id); a NotPrimary
reply sends them to the primary it names after 50 ms, or to the next
tracker after 250 ms when it names none; a request with no answer within
the request timeout is given up (the caller's error).

Each run: writes flow for a random 1-2.5 s, then the primary is killed
(SIGKILL to its pid). The bench measures, per client, the time from the
kill to its first write acknowledged by the other tracker; it keeps writing
for 1 s more, restarts the killed tracker (same data dir; it must come back
as a standby and say it is synced with the new primary) while the writes go
on, stops the writes, and asks the new primary for ListGroups: every group
a client was told was created (in any run so far) must be there (else
"lost"), none it was not told about (unless it gave up on that request),
and no retried request may come back "exists" ("duplicated"). The next run
kills the new primary, so the two trackers take turns.

With --kill standby the standby dies instead: the primary stays, and what
counts is how long its writes stall (it waits for the dead standby's acks
until it gives up on it).

Prints one row per run: which tracker was killed, when the survivor said it
is primary, failover min/median/max over the clients, the longest stall
between two acknowledgements of a client, writes acknowledged (and their
p50 latency), lost, duplicated, extra, in doubt (given up), replayed
(retries the new primary answered from its idempotency record), errors,
and how long the restarted tracker took to sync; then the failover over all
runs against the goal (under 3 s with the default timeouts).

Options:
  --runs K              kills (default 3), alternating between the trackers
  --clients N           simulated nodes (default 8)
  --kill WHICH          primary (default) or standby
  --peer-timeout S      the trackers' --peer-timeout (default: theirs, 1 s)
  --attempt-timeout S   how long a client waits for a reply before it tries
                        the next tracker (default 1: the node's, request
                        timeout / 4 within 0.25..1 s)
  --request-timeout S   when a client gives a request up (default 5: the
                        node's)
  --seed N              for the random kill moments (default: random; printed)
  --bin DIR             directory holding the tracker binary (default: bench's own)
  --keep                keep the temp dir (tracker_info.txt, journals) and print its path
  --json                one JSON object per run and a summary on stdout

Exit status: 0 measured, 1 setup failed (one "error: ..." line), 2 bad usage.
)";

constexpr const char* kPassword = "bench-password";
constexpr auto kHeartbeatEvery = std::chrono::seconds(1);
constexpr auto kPauseNamed = milliseconds(50);     // NotPrimary naming the primary: the node's pause
constexpr auto kPauseUnnamed = milliseconds(250);  // NotPrimary naming none
constexpr auto kMaxFailover = std::chrono::seconds(30);
constexpr auto kMaxResync = std::chrono::seconds(30);
constexpr auto kWriteAfterFailover = std::chrono::seconds(1);
constexpr auto kWriteAfterResync = milliseconds(500);
constexpr double kKillAfterMin = 1.0, kKillAfterMax = 2.5;  // seconds of writes before the kill
constexpr double kGoalSeconds = 3.0;
constexpr uint16_t kFirstNodePort = 20000;  // endpoints the nodes claim (nothing connects to them)

struct Options {
    std::size_t runs = 3;
    std::size_t clients = 8;
    std::optional<double> peer_timeout_s;
    double attempt_timeout_s = 1;
    double request_timeout_s = 5;
    std::optional<uint64_t> seed;
    bool kill_standby = false;  // --kill standby: the primary stays, its standby dies
    std::filesystem::path bin_dir;
    bool keep = false;
    bool json = false;
};

Clock::duration seconds_to_duration(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// A request in flight: its bytes are kept, to be sent again as they are.
struct Attempt {
    bool active = false;
    Kind kind{};
    uint64_t rid = 0;
    std::string bytes;
    std::string group;  // CreateGroup: the name
    Clock::time_point first_sent{};
    Clock::time_point attempt_deadline{};  // this tracker had its chance
    Clock::time_point give_up_at{};        // the caller gets an error
    unsigned sends = 0;
    bool hello_retried = false;
};

// What one run saw of one client.
struct RunTally {
    uint64_t acked = 0;
    uint64_t duplicated = 0;  // 'exists' for a CreateGroup: it was applied twice
    uint64_t gave_up = 0;
    uint64_t errors = 0;
    uint64_t not_primary = 0;
    uint64_t switches = 0;
    std::optional<double> failover_s;  // the kill -> its first write acknowledged by another tracker
    bool acked_new_write = false;      // a write first sent after the kill was acknowledged
    double stall_s = 0;                // longest gap between acknowledgements ending after the kill
    std::string first_error;

    void error(std::string what) {
        ++errors;
        if (first_error.empty()) first_error = std::move(what);
    }
};

// One simulated node's failover state, beside its Client (connection, ids, token).
struct Sim {
    std::size_t tracker = 1;  // 1-based: the tracker its connection goes to
    Attempt write;            // CreateGroup, or the ListGroups of the check
    Attempt beat;             // Heartbeat: dropped on a switch, as the node drops its own
    std::optional<std::size_t> switch_to;
    Clock::time_point switch_at{};
    Clock::time_point next_beat{};
    uint64_t next_group = 0;
    uint64_t sends = 0;
    std::set<std::string> acked;     // every CreateGroup answered Ok, all runs
    std::set<std::string> in_doubt;  // given up: may or may not have been applied
    std::optional<msg::GroupList> listing;
    Clock::time_point last_ack{};
    RunTally run;
};

struct RunResult {
    std::size_t run = 0;
    std::size_t killed = 0;
    std::size_t survivor = 0;
    double killed_after_s = 0;  // writes before the kill
    std::optional<double> promoted_s;
    bool standby_killed = false;
    std::vector<std::optional<double>> failover_s;  // per client
    std::vector<double> stall_s;                    // per client
    uint64_t acked = 0;
    uint64_t duplicated = 0;
    uint64_t gave_up = 0;
    uint64_t errors = 0;
    uint64_t not_primary = 0;
    uint64_t switches = 0;
    uint64_t lost = 0;   // acknowledged (any run) but missing from the survivor's listing
    uint64_t extra = 0;  // listed but never acknowledged nor given up
    uint64_t in_doubt_present = 0;
    std::optional<uint64_t> replayed;  // the survivor's count of retries answered from the idempotency record
    std::optional<double> resync_s;
    bool checked = false;
    LatencyHistogram latency;  // writes answered on their first send
    std::string first_error;
    std::string verdict;  // empty: the run completed
};

double median_of(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void note(const std::string& text) { std::cerr << "bench: " << text << std::endl; }

class FailoverBench {
public:
    explicit FailoverBench(Options opt)
        : opt_(std::move(opt)),
          attempt_timeout_(seconds_to_duration(opt_.attempt_timeout_s)),
          request_timeout_(seconds_to_duration(opt_.request_timeout_s)),
          dir_("p2pshare-bench-") {
        if (opt_.keep) dir_.keep();
        seed_ = opt_.seed ? *opt_.seed : std::random_device{}();
        rng_.seed(seed_);
    }

    ~FailoverBench() {
        for (auto& c : clients_) forget_fd(c);
        if (ep_ >= 0) ::close(ep_);
    }

    int run() {
        if (const auto load = load_average_1m()) note("load average (1 min) before the run: " + fixed(*load, 2));
        note("seed " + std::to_string(seed_));
        ep_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (ep_ < 0) throw SetupError(std::string("epoll_create1: ") + std::strerror(errno));
        cluster_.emplace(opt_.bin_dir, dir_.path(), 2, true, opt_.peer_timeout_s);  // NULL-only ZMTP clients
        cluster_->start_all();
        note("tracker 1 pid " + std::to_string(cluster_->pid(1)) + " primary, tracker 2 pid " +
             std::to_string(cluster_->pid(2)) + " synced; dir " + dir_.path().string());
        connect_clients();

        std::size_t primary = 1;
        std::vector<RunResult> results;
        for (std::size_t run = 1; run <= opt_.runs; ++run) {
            results.push_back(one_run(run, primary));
            const RunResult& r = results.back();
            if (!r.verdict.empty()) {
                note("run " + std::to_string(run) + ": " + r.verdict + "; no further runs");
                break;
            }
            primary = r.survivor;
        }
        writing_ = false;
        for (auto& c : clients_) forget_fd(c);
        clients_.clear();
        ctx_.reset();
        for (std::size_t n = 1; n <= 2; ++n) cluster_->stop(n);
        report(results);
        if (opt_.keep) note("kept " + dir_.path().string());
        return 0;
    }

private:
    // --- setup --------------------------------------------------------------

    void connect_clients() {
        ctx_.emplace(1);
        const std::size_t n = opt_.clients;
        const std::string run_id = p2p::random_hex(4);
        clients_.reserve(n);
        sims_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            Client c;
            c.conn = connect_tracker(ClientKind::zmq, *ctx_, "127.0.0.1", cluster_->rpc_port(1));
            c.user = "fo" + std::to_string(i);
            c.node_id = run_id + "n" + std::to_string(i);
            // Request ids are idempotency keys with the node id, which is new
            // for every bench run: counting from 1 collides with nothing.
            clients_.push_back(std::move(c));
        }
        const auto timeout = milliseconds(10000 + 100 * static_cast<long>(n));
        exchange_all<msg::Hello>(
            clients_, 0, n, [&](std::size_t i) { return msg::Hello{msg::kProtocolVersion, clients_[i].node_id}; },
            Kind::HelloOk, "Hello", timeout);
        exchange_all<msg::CreateUser>(
            clients_, 0, n, [&](std::size_t i) { return msg::CreateUser{clients_[i].user, kPassword}; }, Kind::Ok,
            "CreateUser", timeout);
        auto replies = exchange_all<msg::Login>(
            clients_, 0, n,
            [&](std::size_t i) {
                return msg::Login{clients_[i].user, kPassword, clients_[i].node_id,
                                  "127.0.0.1:" + std::to_string(kFirstNodePort + i)};
            },
            Kind::LoginOk, "Login", timeout);
        for (std::size_t i = 0; i < n; ++i) {
            auto ok = replies[i].as<msg::LoginOk>();
            if (!ok || ok->token.empty()) throw SetupError("Login: a LoginOk without a token");
            clients_[i].token = ok->token;
            watch_fd(i);
        }
        note(std::to_string(n) + " client(s) logged in at tracker 1");
    }

    void watch_fd(std::size_t i) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (::epoll_ctl(ep_, EPOLL_CTL_ADD, clients_[i].conn->wait_fd(), &ev) != 0) {
            throw SetupError(std::string("epoll_ctl: ") + std::strerror(errno));
        }
    }

    void forget_fd(Client& c) {
        if (ep_ >= 0 && c.conn) ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.conn->wait_fd(), nullptr);
    }

    // --- one run ------------------------------------------------------------

    RunResult one_run(std::size_t run, std::size_t primary) {
        RunResult r;
        r.run = run;
        const std::size_t other = primary == 1 ? 2 : 1;
        r.standby_killed = opt_.kill_standby;
        r.killed = opt_.kill_standby ? other : primary;
        r.survivor = opt_.kill_standby ? primary : other;  // serves the clients after the kill
        for (auto& s : sims_) s.run = RunTally{};
        latency_ = &r.latency;
        killed_ = 0;
        const uint64_t replayed_before = cluster_->status(r.survivor).replayed;

        // Writes flow, then the primary (or its standby) dies at a random moment.
        std::uniform_real_distribution<double> pick(kKillAfterMin, kKillAfterMax);
        r.killed_after_s = pick(rng_);
        writing_ = true;
        const auto started = Clock::now();
        drive(started + seconds_to_duration(r.killed_after_s), {}, {});
        note("run " + std::to_string(run) + ": kill -9 tracker " + std::to_string(r.killed) +
             (r.standby_killed ? " (standby)" : " (primary)") + ", pid " + std::to_string(cluster_->pid(r.killed)) +
             ", after " + fixed(r.killed_after_s, 2) + " s of writes");
        const auto kill_at = Clock::now();
        cluster_->kill(r.killed);
        killed_ = r.killed;
        kill_at_ = kill_at;
        measuring_stall_ = true;

        // Until every client has a write acknowledged by the survivor, and one
        // it sent after the kill (then the stall is over).
        auto watch_promotion = [&](Clock::time_point now) {
            if (!r.standby_killed && !r.promoted_s && cluster_->wait_primary(r.survivor, milliseconds(0))) {
                r.promoted_s = seconds_between(kill_at, now);
            }
        };
        const bool all_over = drive(
            kill_at + kMaxFailover,
            [&] {
                return std::all_of(sims_.begin(), sims_.end(), [](const Sim& s) {
                    return s.run.failover_s.has_value() && s.run.acked_new_write;
                });
            },
            watch_promotion);
        if (all_over) drive(Clock::now() + kWriteAfterFailover, {}, watch_promotion);
        if (!r.promoted_s && !r.standby_killed) watch_promotion(Clock::now());
        measuring_stall_ = false;  // the restart below has its own figure

        // The killed tracker comes back while the writes go on, and must sync
        // with the survivor.
        if (all_over) {
            const auto restart_at = Clock::now();
            cluster_->launch(r.killed);
            const bool synced = drive(restart_at + kMaxResync, [&] {
                return cluster_->wait_synced(r.killed, r.survivor, milliseconds(0)).has_value();
            }, {});
            if (synced) {
                r.resync_s = seconds_between(restart_at, Clock::now());
                drive(Clock::now() + kWriteAfterResync, {}, {});
            } else if (!cluster_->running(r.killed)) {
                r.verdict = cluster_->problem(r.killed, "the restarted tracker stopped");
            } else {
                r.verdict = "restarted tracker " + std::to_string(r.killed) + " did not sync with tracker " +
                            std::to_string(r.survivor) + " within " + std::to_string(kMaxResync.count()) + " s";
            }
        } else {
            r.verdict = "not every client got a write through within " + std::to_string(kMaxFailover.count()) +
                        " s of the kill";
        }

        // Stop writing; every write in flight ends (answered or given up).
        writing_ = false;
        drive(Clock::now() + request_timeout_ + std::chrono::seconds(1), [&] {
            return std::none_of(sims_.begin(), sims_.end(), [](const Sim& s) { return s.write.active; });
        }, {});
        check(r);
        if (cluster_->running(r.survivor)) r.replayed = cluster_->status(r.survivor).replayed - replayed_before;

        for (std::size_t i = 0; i < sims_.size(); ++i) {
            const RunTally& t = sims_[i].run;
            r.failover_s.push_back(t.failover_s);
            r.stall_s.push_back(t.stall_s);
            r.acked += t.acked;
            r.duplicated += t.duplicated;
            r.gave_up += t.gave_up;
            r.errors += t.errors;
            r.not_primary += t.not_primary;
            r.switches += t.switches;
            if (r.first_error.empty() && !t.first_error.empty()) {
                r.first_error = clients_[i].user + ": " + t.first_error;
            }
        }
        if (!r.standby_killed && !r.promoted_s && r.verdict.empty()) {
            r.verdict = "tracker " + std::to_string(r.survivor) + " never said it is primary";
        }
        latency_ = nullptr;
        return r;
    }

    // ListGroups at the survivor (through client 0, with the same failover
    // policy), then every client's groups against what it was told.
    void check(RunResult& r) {
        Sim& s = sims_[0];
        Client& c = clients_[0];
        s.listing.reset();
        start(c, s, msg::ListGroups{c.token}, "", Clock::now());
        service(0, Clock::now());  // after a send outside service(): see there
        drive(Clock::now() + request_timeout_ + std::chrono::seconds(1), [&] { return s.listing.has_value() || !s.write.active; },
              {});
        if (!s.listing) {
            if (r.verdict.empty()) r.verdict = "ListGroups for the check got no GroupList";
            return;
        }
        std::map<std::string, std::set<std::string>> owned;  // user -> groups
        for (const auto& g : s.listing->groups) owned[g.owner].insert(g.name);
        for (std::size_t i = 0; i < sims_.size(); ++i) {
            const auto& present = owned[clients_[i].user];
            for (const auto& g : sims_[i].acked) r.lost += present.count(g) ? 0 : 1;
            for (const auto& g : present) {
                if (sims_[i].acked.count(g)) continue;
                if (sims_[i].in_doubt.count(g)) {
                    ++r.in_doubt_present;
                } else {
                    ++r.extra;
                }
            }
        }
        r.checked = true;
    }

    // --- the clients' loop --------------------------------------------------

    // Runs the clients until done() says so (true) or `until` passes (false);
    // each(now) after every wake-up.
    bool drive(Clock::time_point until, const std::function<bool()>& done,
               const std::function<void(Clock::time_point)>& each) {
        std::vector<epoll_event> events(std::max<std::size_t>(1, clients_.size()));
        for (;;) {
            auto now = Clock::now();
            if (done && done()) return true;
            if (now >= until) return false;
            Clock::time_point wake = std::min(until, now + milliseconds(20));
            for (const Sim& s : sims_) wake = std::min(wake, next_due(s, now));
            const auto wait = std::chrono::ceil<milliseconds>(wake - now).count();
            const int n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(std::max<long>(0, wait)));
            now = Clock::now();
            std::vector<bool> served(clients_.size(), false);
            for (int k = 0; k < n; ++k) {
                const auto i = static_cast<std::size_t>(events[static_cast<std::size_t>(k)].data.u64);
                if (i < clients_.size() && !served[i]) {
                    served[i] = true;
                    service(i, now);
                }
            }
            for (std::size_t i = 0; i < sims_.size(); ++i) {
                if (!served[i] && next_due(sims_[i], now) <= now) service(i, now);
            }
            if (each) each(now);
        }
    }

    Clock::time_point next_due(const Sim& s, Clock::time_point now) const {
        Clock::time_point t = Clock::time_point::max();
        if (s.write.active) t = std::min({t, s.write.attempt_deadline, s.write.give_up_at});
        if (s.beat.active) t = std::min({t, s.beat.attempt_deadline, s.beat.give_up_at});
        if (s.switch_to) t = std::min(t, s.switch_at);
        if (!s.write.active && writing_) t = now;
        if (!s.beat.active) t = std::min(t, s.next_beat);
        return t;
    }

    // Takes what arrived on client i's connection, acts on it and on its
    // timers, and again while that sent something: a libzmq socket's ZMQ_FD
    // is only sound for epoll when the last call on it was a recv that
    // found nothing (see ZmqConn::receive).
    void service(std::size_t i, Clock::time_point now) {
        Client& c = clients_[i];
        Sim& s = sims_[i];
        std::vector<std::string> got;
        for (int round = 0; round < 100; ++round) {
            got.clear();
            const bool alive = c.conn->receive([&](const char* data, std::size_t size) { got.emplace_back(data, size); });
            const uint64_t sends = s.sends;
            if (!alive) {
                s.run.error("connection to tracker " + std::to_string(s.tracker) + " failed: " + c.conn->error());
                fail_over(i, next_tracker(s), now);
            }
            for (const auto& m : got) on_message(i, m, now);
            pump(i, now);
            if (s.sends == sends) return;
        }
    }

    std::size_t next_tracker(const Sim& s) const { return s.tracker % cluster_->size() + 1; }

    void on_message(std::size_t i, const std::string& m, Clock::time_point now) {
        Sim& s = sims_[i];
        auto env = p2p::decode_envelope(m.data(), m.size());
        if (!env) {
            s.run.error("a reply that does not decode: " + env.error());
            return;
        }
        Attempt* a = nullptr;
        if (s.write.active && env->request_id() == s.write.rid) a = &s.write;
        if (s.beat.active && env->request_id() == s.beat.rid) a = &s.beat;
        if (!a) {
            // HelloOk, or an answer to a request given up on. An Error to a
            // Hello is a problem all the same.
            if (env->kind() == Kind::Error) s.run.error("Hello: " + describe_reply(m.data(), m.size()));
            return;
        }
        if (env->kind() == Kind::NotPrimary) {
            ++s.run.not_primary;
            auto np = env->as<msg::NotPrimary>();
            std::size_t next = next_tracker(s);
            const bool named = np && np->primary >= 1 && np->primary <= cluster_->size() && np->primary != s.tracker;
            if (named) next = np->primary;
            s.switch_to = next;
            s.switch_at = now + (np && np->primary ? kPauseNamed : kPauseUnnamed);
            return;  // still pending: it goes again after the switch
        }
        if (env->kind() == Kind::Error && !a->hello_retried) {
            auto err = env->as<msg::Error>();
            if (err && err->code == "hello_required") {  // the tracker restarted under this connection
                a->hello_retried = true;
                send_hello(i);
                send(i, *a, now);
                return;
            }
        }
        a->active = false;
        if (a == &s.beat) {
            if (env->kind() != Kind::Ok) s.run.error("Heartbeat: " + describe_reply(m.data(), m.size()));
            return;
        }
        if (a->kind == Kind::ListGroups) {
            if (env->kind() == Kind::GroupList) {
                if (auto list = env->as<msg::GroupList>()) {
                    s.listing = std::move(*list);
                    return;
                }
            }
            s.run.error("ListGroups: " + describe_reply(m.data(), m.size()));
            return;
        }
        if (env->kind() == Kind::Ok) {
            ++s.run.acked;
            s.acked.insert(a->group);
            if (a->sends == 1 && latency_) {
                latency_->record(static_cast<uint64_t>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(now - a->first_sent).count()));
            }
            if (killed_ && s.tracker != killed_ && !s.run.failover_s) s.run.failover_s = seconds_between(kill_at_, now);
            if (killed_ && a->first_sent > kill_at_) s.run.acked_new_write = true;
            if (measuring_stall_ && s.last_ack != Clock::time_point{}) {
                s.run.stall_s = std::max(s.run.stall_s, seconds_between(s.last_ack, now));
            }
            s.last_ack = now;
            return;
        }
        const auto err = env->as<msg::Error>();
        if (env->kind() == Kind::Error && err && err->code == "exists") {
            // Names are never reused: the first application was not found when
            // the request came again.
            ++s.run.duplicated;
            s.run.error("CreateGroup " + a->group + " (sent " + std::to_string(a->sends) +
                        "x): " + describe_reply(m.data(), m.size()));
            return;
        }
        s.run.error("CreateGroup " + a->group + ": " + describe_reply(m.data(), m.size()));
    }

    // Timers and the next request: give up, fail over, switch after a
    // NotPrimary, the next write, the heartbeat.
    void pump(std::size_t i, Clock::time_point now) {
        Client& c = clients_[i];
        Sim& s = sims_[i];
        for (Attempt* a : {&s.write, &s.beat}) {
            if (!a->active || now < a->give_up_at) continue;
            a->active = false;
            if (a == &s.write && a->kind == Kind::CreateGroup) {
                ++s.run.gave_up;
                s.in_doubt.insert(a->group);
            }
            s.run.error(std::string(p2p::kind_name(a->kind)) + " given up after " +
                        fixed(opt_.request_timeout_s, 1) + " s");
        }
        const bool silent = (s.write.active && now >= s.write.attempt_deadline) ||
                            (s.beat.active && now >= s.beat.attempt_deadline);
        if (silent) {
            fail_over(i, next_tracker(s), now);
        } else if (s.switch_to && now >= s.switch_at) {
            fail_over(i, *s.switch_to, now);
        }
        if (!s.write.active && writing_) {
            char name[48];
            std::snprintf(name, sizeof name, "c%zu-%llu", i, static_cast<unsigned long long>(s.next_group++));
            start(c, s, msg::CreateGroup{c.token, name}, name, now);
        }
        if (!s.beat.active && now >= s.next_beat) {
            s.next_beat = now + kHeartbeatEvery;
            buf_.clear();
            Attempt& b = s.beat;
            b = Attempt{};
            b.active = true;
            b.kind = Kind::Heartbeat;
            b.rid = c.encode(buf_, msg::Heartbeat{c.token});
            b.bytes.assign(buf_.data(), buf_.size());
            b.first_sent = now;
            b.give_up_at = now + request_timeout_;
            send(i, b, now);
        }
    }

    template <class T>
    void start(Client& c, Sim& s, const T& body, const std::string& group, Clock::time_point now) {
        const std::size_t i = static_cast<std::size_t>(&s - sims_.data());
        Attempt& a = s.write;
        a = Attempt{};
        a.active = true;
        a.kind = T::kind;
        a.rid = c.encode(buf_, body);
        a.bytes.assign(buf_.data(), buf_.size());
        a.group = group;
        a.first_sent = now;
        a.give_up_at = now + request_timeout_;
        send(i, a, now);
    }

    void send(std::size_t i, Attempt& a, Clock::time_point now) {
        Sim& s = sims_[i];
        ++s.sends;
        ++a.sends;
        a.attempt_deadline = now + attempt_timeout_;
        if (!clients_[i].conn->send(a.bytes.data(), a.bytes.size())) {
            s.run.error("cannot send to tracker " + std::to_string(s.tracker) + ": " + clients_[i].conn->error());
        }
    }

    void send_hello(std::size_t i) {
        Client& c = clients_[i];
        c.encode(buf_, msg::Hello{msg::kProtocolVersion, c.node_id});
        ++sims_[i].sends;
        if (!c.conn->send(buf_.data(), buf_.size())) sims_[i].run.error("cannot send Hello: " + c.conn->error());
    }

    // The node's fail_over: a fresh connection to tracker `next`, Hello, and
    // the write in flight again with its request id; the heartbeat is dropped.
    void fail_over(std::size_t i, std::size_t next, Clock::time_point now) {
        Client& c = clients_[i];
        Sim& s = sims_[i];
        ++s.run.switches;
        s.switch_to.reset();
        s.beat.active = false;
        forget_fd(c);
        c.conn.reset();
        s.tracker = next;
        c.conn = connect_tracker(ClientKind::zmq, *ctx_, "127.0.0.1", cluster_->rpc_port(next));
        watch_fd(i);
        send_hello(i);
        if (s.write.active) {
            s.write.hello_retried = false;
            send(i, s.write, now);
        }
    }

    // --- the report ---------------------------------------------------------

    void report(const std::vector<RunResult>& results) const {
        // The figure of the runs: failover (a primary killed) or the stall
        // (a standby killed), every client of every run.
        std::vector<double> all;
        std::vector<double> stalls;
        for (const auto& r : results) {
            for (const auto& f : r.failover_s) {
                if (f && !r.standby_killed) all.push_back(*f);
            }
            stalls.insert(stalls.end(), r.stall_s.begin(), r.stall_s.end());
        }
        const bool complete = !results.empty() && results.size() == opt_.runs &&
                              std::all_of(results.begin(), results.end(), [](const auto& r) { return r.verdict.empty(); });
        const double worst = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
        const double worst_stall = stalls.empty() ? 0 : *std::max_element(stalls.begin(), stalls.end());
        uint64_t lost = 0, dup = 0, extra = 0;
        for (const auto& r : results) {
            lost = std::max(lost, r.lost);  // each check covers every run so far
            dup += r.duplicated;
            extra += r.extra;
        }
        const bool met = complete && !opt_.kill_standby && worst < kGoalSeconds;
        auto failovers = [](const RunResult& r) {
            std::vector<double> f;
            for (const auto& x : r.failover_s) {
                if (x) f.push_back(*x);
            }
            return f;
        };
        auto max_of = [](const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); };
        auto list_of = [](const auto& values) {
            std::string list = "[";
            for (const auto& x : values) {
                if (list.size() > 1) list += ", ";
                if constexpr (std::is_same_v<std::decay_t<decltype(x)>, double>) {
                    list += fixed(x, 3);
                } else {
                    list += x ? fixed(*x, 3) : "null";
                }
            }
            return list + "]";
        };
        if (opt_.json) {
            for (const auto& r : results) {
                const auto f = failovers(r);
                JsonObject o;
                o.add("run", static_cast<uint64_t>(r.run))
                    .add("kill", r.standby_killed ? "standby" : "primary")
                    .add("killed", static_cast<uint64_t>(r.killed))
                    .add("survivor", static_cast<uint64_t>(r.survivor))
                    .add("killed_after_s", r.killed_after_s, 3);
                if (r.promoted_s) {
                    o.add("promoted_s", *r.promoted_s, 3);
                } else {
                    o.add_null("promoted_s");
                }
                o.add_raw("failover_s", list_of(r.failover_s));
                if (!f.empty() && !r.standby_killed) {
                    o.add("failover_min_s", *std::min_element(f.begin(), f.end()), 3)
                        .add("failover_median_s", median_of(f), 3)
                        .add("failover_max_s", max_of(f), 3);
                }
                o.add_raw("stall_s", list_of(r.stall_s))
                    .add("stall_max_s", max_of(r.stall_s), 3)
                    .add("writes_acked", r.acked)
                    .add("write_p50_ms", static_cast<double>(r.latency.quantile_nanos(0.5)) / 1e6, 3)
                    .add("write_p99_ms", static_cast<double>(r.latency.quantile_nanos(0.99)) / 1e6, 3)
                    .add_raw("checked", r.checked ? "true" : "false")
                    .add("lost", r.lost)
                    .add("duplicated", r.duplicated)
                    .add("extra", r.extra)
                    .add("in_doubt", r.gave_up)
                    .add("in_doubt_present", r.in_doubt_present);
                if (r.replayed) {
                    o.add("replayed", *r.replayed);
                } else {
                    o.add_null("replayed");
                }
                o.add("errors", r.errors).add("not_primary_replies", r.not_primary).add("switches", r.switches);
                if (r.resync_s) {
                    o.add("resync_s", *r.resync_s, 3);
                } else {
                    o.add_null("resync_s");
                }
                if (!r.first_error.empty()) o.add("first_error", r.first_error);
                if (!r.verdict.empty()) o.add("problem", r.verdict);
                std::cout << o.str() << "\n";
            }
            JsonObject o;
            o.add("summary", "failover")
                .add("kill", opt_.kill_standby ? "standby" : "primary")
                .add("runs", static_cast<uint64_t>(results.size()))
                .add("clients", static_cast<uint64_t>(opt_.clients))
                .add("seed", seed_)
                .add("attempt_timeout_s", opt_.attempt_timeout_s, 3)
                .add("peer_timeout_s", opt_.peer_timeout_s.value_or(1.0), 3);
            if (!opt_.kill_standby) {
                o.add("failover_median_s", median_of(all), 3).add("failover_max_s", worst, 3);
            }
            o.add("stall_median_s", median_of(stalls), 3)
                .add("stall_max_s", worst_stall, 3)
                .add("goal_s", kGoalSeconds, 1)
                .add_raw("goal_met", met ? "true" : "false")
                .add("lost", lost)
                .add("duplicated", dup)
                .add("extra", extra);
            std::cout << o.str() << "\n";
            std::cout.flush();
            return;
        }
        Table table({"run", "<killed", "promoted s", "failover s min", "median", "max", "stall s max", "writes acked",
                     "write p50 ms", "lost", "duplicated", "extra", "in doubt", "replayed", "errors", "resync s"});
        for (const auto& r : results) {
            const auto f = failovers(r);
            const bool show = !f.empty() && !r.standby_killed;
            const std::string missing =
                show && f.size() < r.failover_s.size() ? " (" + std::to_string(r.failover_s.size() - f.size()) + " none)" : "";
            table.add_row({std::to_string(r.run),
                           "tracker " + std::to_string(r.killed) + (r.standby_killed ? " (standby)" : ""),
                           r.promoted_s ? fixed(*r.promoted_s, 2) : "-",
                           show ? fixed(*std::min_element(f.begin(), f.end()), 2) : "-", show ? fixed(median_of(f), 2) : "-",
                           show ? fixed(max_of(f), 2) + missing : "-", fixed(max_of(r.stall_s), 2), group_digits(r.acked),
                           fixed(static_cast<double>(r.latency.quantile_nanos(0.5)) / 1e6, 2),
                           r.checked ? std::to_string(r.lost) : "-", std::to_string(r.duplicated),
                           r.checked ? std::to_string(r.extra) : "-",
                           std::to_string(r.gave_up) + (r.gave_up ? " (" + std::to_string(r.in_doubt_present) + " applied)" : ""),
                           r.replayed ? std::to_string(*r.replayed) : "-", std::to_string(r.errors),
                           r.resync_s ? fixed(*r.resync_s, 2) : "-"});
        }
        table.print(std::cout);
        const std::string setting = std::to_string(opt_.clients) + " clients; attempt timeout " +
                                    fixed(opt_.attempt_timeout_s, 2) + " s, trackers' peer timeout " +
                                    (opt_.peer_timeout_s ? fixed(*opt_.peer_timeout_s, 2) + " s" : "1 s (default)");
        if (opt_.kill_standby) {
            std::cout << "stall: the longest gap between a client's write acknowledgements after the standby's kill ("
                      << setting << ")\n";
            std::cout << "over " << results.size() << " run(s): median " << fixed(median_of(stalls), 2) << " s, max "
                      << fixed(worst_stall, 2) << " s\n";
        } else {
            std::cout << "failover: kill -9 of the primary -> a client's first write acknowledged by the other tracker ("
                      << setting << ")\n";
            std::cout << "over " << results.size() << " run(s): median " << fixed(median_of(all), 2) << " s, max "
                      << fixed(worst, 2) << " s; goal under " << fixed(kGoalSeconds, 0) << " s: "
                      << (met ? "met" : "missed") << "\n";
        }
        std::cout << "stall s max: the longest gap between two write acknowledgements of one client, after the kill "
                     "and before the restart\n"
                     "lost: groups acknowledged in any run so far missing from ListGroups after the run; "
                     "duplicated: a retried CreateGroup answered 'exists'; extra: listed, never acknowledged;\n"
                     "replayed: retries the serving tracker answered from its idempotency record (applied before "
                     "the kill, answer lost with the old primary)\n";
        for (const auto& r : results) {
            const std::string label = "run " + std::to_string(r.run);
            std::cout << label << ": writes flowed " << fixed(r.killed_after_s, 2) << " s before the kill; "
                      << r.switches << " tracker switch(es), " << r.not_primary << " NotPrimary repl(ies)\n";
            if (!r.first_error.empty()) std::cout << label << ": first error: " << r.first_error << "\n";
            if (!r.verdict.empty()) std::cout << label << ": " << r.verdict << "\n";
        }
        std::cout << "seed " << seed_ << "\n";
        std::cout.flush();
    }

    Options opt_;
    const Clock::duration attempt_timeout_;
    const Clock::duration request_timeout_;
    uint64_t seed_ = 0;
    std::mt19937_64 rng_;
    TempDir dir_;
    // Declared after the directory: the sockets close, then the context,
    // then the trackers are stopped, then the directory goes.
    std::optional<TrackerCluster> cluster_;
    std::optional<zmq::context_t> ctx_;
    std::vector<Client> clients_;
    std::vector<Sim> sims_;
    int ep_ = -1;
    msgpack::sbuffer buf_{512};
    bool writing_ = false;
    std::size_t killed_ = 0;  // this run's killed tracker, once it is dead
    Clock::time_point kill_at_{};
    bool measuring_stall_ = false;  // from the kill until the restart
    LatencyHistogram* latency_ = nullptr;
};

int usage_error(const std::string& why) {
    std::cerr << "error: " << why << "\n(bench failover --help shows the options)\n";
    return 2;
}

}  // namespace

int failover_main(const std::vector<std::string>& args) {
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
        } else if (arg == "--runs" || arg == "--clients" || arg == "--peer-timeout" || arg == "--attempt-timeout" ||
                   arg == "--request-timeout" || arg == "--seed" || arg == "--bin" || arg == "--kill") {
            if (i + 1 >= args.size()) return usage_error(arg + " needs a value");
            const std::string& value = args[++i];
            std::string bad;
            if (arg == "--runs") {
                if (!parse_count_option(arg, value, 1, 100, opt.runs, bad)) return usage_error(bad);
            } else if (arg == "--clients") {
                if (!parse_count_option(arg, value, 1, 256, opt.clients, bad)) return usage_error(bad);
            } else if (arg == "--seed") {
                const auto n = parse_long(value, 0, std::numeric_limits<long>::max());
                if (!n) return usage_error("--seed wants a non-negative number, got '" + value + "'");
                opt.seed = static_cast<uint64_t>(*n);
            } else if (arg == "--bin") {
                opt.bin_dir = value;
            } else if (arg == "--kill") {
                if (value != "primary" && value != "standby") {
                    return usage_error("--kill wants primary or standby, got '" + value + "'");
                }
                opt.kill_standby = value == "standby";
            } else {
                const auto s = parse_seconds(value);
                if (!s) return usage_error(arg + " wants a positive number of seconds, got '" + value + "'");
                if (arg == "--peer-timeout") {
                    if (*s < 0.2) return usage_error("--peer-timeout wants at least 0.2 s (the tracker's minimum)");
                    opt.peer_timeout_s = *s;
                } else if (arg == "--attempt-timeout") {
                    opt.attempt_timeout_s = *s;
                } else {
                    opt.request_timeout_s = *s;
                }
            }
        } else {
            return usage_error("unknown argument '" + arg + "'");
        }
    }
    if (opt.request_timeout_s <= opt.attempt_timeout_s) {
        return usage_error("--request-timeout must be longer than --attempt-timeout");
    }
    try {
        if (opt.bin_dir.empty()) opt.bin_dir = own_bin_dir();
        FailoverBench bench(std::move(opt));
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
