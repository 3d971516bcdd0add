#include "tracker/tracker_server.hpp"

#include <iostream>
#include <map>
#include <sstream>
#include <unordered_set>
#include <zmq_addon.hpp>

#include "actors/log.hpp"
#include "actors/loop.hpp"
#include "messages/envelope.hpp"
#include "messages/limits.hpp"
#include "messages/names.hpp"
#include "messages/random_id.hpp"
#include "messages/ticket.hpp"
#include "tracker/core/machine.hpp"
#include "tracker/durable_outbox.hpp"
#include "tracker/journal_actor.hpp"
#include "tracker/password_hasher.hpp"
#include "tracker/storage/journal.hpp"
#include "tracker/ticket_key_file.hpp"

namespace p2p::tracker {

namespace {

using actors::Clock;

// A create_user or login waiting for its password hash.
struct HashWait {
    std::string routing_id;
    uint64_t request_id = 0;
    bool is_login = false;
    msg::CreateUser create;
    msg::Login login;
    std::string salt;
    std::string stored_hash;
    uint32_t iterations = 0;
};

struct Counters {
    uint64_t requests = 0;
    uint64_t malformed = 0;
    uint64_t refused = 0;
    uint64_t commands = 0;
    uint64_t fsyncs = 0;
};

class Server {
public:
    Server(zmq::context_t& ctx, const TrackerConfig& config, zmq::socket_t& pipe)
        : config_(config),
          pipe_(pipe),
          router_(ctx, zmq::socket_type::router),
          pub_(ctx, zmq::socket_type::pub),
          journal_(nullptr),
          hashers_(ctx, config.hashers) {
        recover();
        ticket_key_ = load_or_create_ticket_key(config_.data_dir);
        journal_ = std::make_unique<JournalActor>(ctx, config_.data_dir);
        for (auto* s : {&router_, &pub_}) {
            s->set(zmq::sockopt::linger, 0);
            s->set(zmq::sockopt::maxmsgsize, limits::kControlFrameBytes);
        }
        router_.bind(config_.address.rpc_endpoint());
        pub_.bind(config_.address.pub_endpoint());
    }

    void run() {
        loop_.on_pipe(pipe_, [this](zmq::multipart_t& m) { handle_pipe(m); });
        loop_.on(router_, [this] { handle_router(); });
        loop_.on(journal_->pipe(), [this] { handle_journal(); });
        for (std::size_t i = 0; i < hashers_.size(); ++i) {
            loop_.on(hashers_.pipe(i), [this, i] { handle_hasher(i); });
        }
        const auto tick = std::max<std::chrono::milliseconds>(config_.session_timeout / 5, std::chrono::milliseconds(50));
        loop_.every(tick, [this] { expire_sessions(); });
        actors::signal_ready(pipe_);
        loop_.run();
    }

private:
    void recover() {
        auto recovery = storage::recover(config_.data_dir);
        for (const auto& line : recovery.log) logging::warn("journal", line);
        if (recovery.snapshot) {
            state_ = decode_state(recovery.snapshot->bytes);
            last_seq_ = recovery.snapshot->seq;
        }
        snapshot_seq_ = last_seq_;
        for (const auto& record : recovery.records) {
            auto command = decode_command(record.payload);
            if (!command) {
                throw std::runtime_error("journal record " + std::to_string(record.seq) +
                                         " passed its CRC but does not decode (" + command.error() +
                                         "); refusing to start on a journal this binary cannot read");
            }
            tracker::apply(state_, *command);
            last_seq_ = record.seq;
        }
        outbox_.set_durable(last_seq_);
        recovered_records_ = recovery.records.size();
        logging::info("journal", "recovered to seq ", last_seq_, ": ", recovered_records_, " journal records replayed",
                      recovery.snapshot ? " after a snapshot" : "");
        // Sessions restored from disk get a full timeout to heartbeat again.
        const auto now = Clock::now();
        for (const auto& [token, s] : state_.sessions) last_seen_[token] = now;
    }

    void handle_pipe(zmq::multipart_t& m) {
        if (m.size() == 1 && m[0].to_string_view() == "STATUS") {
            zmq::multipart_t out;
            out.addstr("STATUS");
            out.addstr(status_text());
            out.send(pipe_);
        }
    }

    std::string status_text() const {
        std::size_t files = 0, sharers = 0;
        for (const auto& [name, g] : state_.groups) {
            files += g.files.size();
            for (const auto& [file_name, f] : g.files) sharers += f.sharers.size();
        }
        std::ostringstream out;
        out << "tracker " << config_.index << " at " << config_.address.label() << ": role primary\n"
            << "users " << state_.users.size() << ", groups " << state_.groups.size() << ", sessions "
            << state_.sessions.size() << "\n"
            << "files " << files << " (" << sharers << " sharers)\n"
            << "journal seq " << last_seq_ << " (durable " << outbox_.durable() << ", snapshot " << snapshot_seq_
            << ", " << counters_.fsyncs << " fsyncs)\n"
            << "requests " << counters_.requests << ", malformed " << counters_.malformed << ", refused "
            << counters_.refused << ", replies waiting for disk " << outbox_.waiting();
        return out.str();
    }

    void handle_router() {
        // Drain what is there: one poll wake-up serves a whole burst, and the
        // burst's writes share one fsync.
        for (int i = 0; i < 1000; ++i) {
            zmq::multipart_t frames;
            if (!frames.recv(router_, static_cast<int>(zmq::recv_flags::dontwait))) return;
            ++counters_.requests;
            if (frames.size() != 2) {
                ++counters_.malformed;
                if (frames.size() >= 1) {
                    send_error(frames[0].to_string(), 0, "malformed", "expected exactly one envelope frame");
                }
                continue;
            }
            handle_request(frames[0].to_string(), frames[1]);
        }
    }

    template <class T, class F>
    void with(const Envelope& env, const std::string& rid, F&& handler) {
        auto m = env.as<T>();
        if (!m) {
            ++counters_.malformed;
            send_error(rid, env.request_id(), "malformed", m.error());
            return;
        }
        handler(*m);
    }

    void handle_request(const std::string& rid, const zmq::message_t& frame) {
        auto env = decode_envelope(frame.data(), frame.size());
        if (!env) {
            ++counters_.malformed;
            send_error(rid, 0, "malformed", env.error());
            return;
        }
        const uint64_t req = env->request_id();
        if (env->kind() == Kind::Hello) {
            with<msg::Hello>(*env, rid, [&](const msg::Hello& h) { hello(rid, req, h); });
            return;
        }
        if (!greeted_.count(rid)) {
            send_error(rid, req, "hello_required", "say Hello with the protocol version first");
            return;
        }
        switch (env->kind()) {
            case Kind::CreateUser:
                with<msg::CreateUser>(*env, rid, [&](const auto& m) { create_user(rid, req, m); });
                break;
            case Kind::Login: with<msg::Login>(*env, rid, [&](const auto& m) { login(rid, req, m); }); break;
            case Kind::Heartbeat:
                with<msg::Heartbeat>(*env, rid, [&](const auto& m) { heartbeat(rid, req, m); });
                break;
            case Kind::ListGroups:
                with<msg::ListGroups>(*env, rid, [&](const auto& m) { send_reply(rid, req, list_groups(state_, m)); });
                break;
            case Kind::ListRequests:
                with<msg::ListRequests>(*env, rid,
                                        [&](const auto& m) { send_reply(rid, req, list_requests(state_, m)); });
                break;
            case Kind::Logout: with<msg::Logout>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
            case Kind::CreateGroup:
                with<msg::CreateGroup>(*env, rid, [&](const auto& m) { commit(m, rid, req); });
                break;
            case Kind::JoinGroup: with<msg::JoinGroup>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
            case Kind::LeaveGroup:
                with<msg::LeaveGroup>(*env, rid, [&](const auto& m) { commit(m, rid, req); });
                break;
            case Kind::AcceptRequest:
                with<msg::AcceptRequest>(*env, rid, [&](const auto& m) { commit(m, rid, req); });
                break;
            case Kind::RejectRequest:
                with<msg::RejectRequest>(*env, rid, [&](const auto& m) { commit(m, rid, req); });
                break;
            case Kind::ShareFile: with<msg::ShareFile>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
            case Kind::StopShare: with<msg::StopShare>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
            case Kind::ListFiles:
                with<msg::ListFiles>(*env, rid, [&](const auto& m) { send_reply(rid, req, list_files(state_, m)); });
                break;
            case Kind::GetFile:
                with<msg::GetFile>(*env, rid,
                                   [&](const auto& m) { send_reply(rid, req, with_ticket(get_file(state_, m))); });
                break;
            case Kind::GetSources:
                with<msg::GetSources>(*env, rid,
                                      [&](const auto& m) { send_reply(rid, req, with_ticket(get_sources(state_, m))); });
                break;
            default:
                ++counters_.malformed;
                send_error(rid, req, "unexpected", std::string(kind_name(env->kind())) + " is not a tracker request");
        }
    }

    void hello(const std::string& rid, uint64_t req, const msg::Hello& h) {
        if (h.protocol != msg::kProtocolVersion) {
            send_error(rid, req, "protocol", "this tracker speaks protocol " + std::to_string(msg::kProtocolVersion) +
                                                 ", the node speaks " + std::to_string(h.protocol));
            return;
        }
        greeted_.insert(rid);
        send_now(rid, encode(req, msg::HelloOk{msg::kProtocolVersion, config_.index, "primary",
                                                ticket_key_.public_key}));
    }

    // The machine names who, which group and which file; the clock and the
    // key are here: stamp the expiry and sign. Errors pass through.
    Reply with_ticket(Reply reply) const {
        msg::Ticket* ticket = nullptr;
        if (auto* d = std::get_if<msg::FileDetails>(&reply)) ticket = &d->ticket;
        if (auto* s = std::get_if<msg::SourceList>(&reply)) ticket = &s->ticket;
        if (ticket) {
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            ticket->expires = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now).count()) +
                              static_cast<uint64_t>(config_.ticket_ttl.count());
            try {
                sign_ticket(ticket_key_, *ticket);
            } catch (const std::exception& e) {  // OpenSSL out of memory: refuse this one, keep serving
                return msg::Error{"internal", std::string("the tracker could not sign a ticket: ") + e.what()};
            }
        }
        return reply;
    }

    void create_user(const std::string& rid, uint64_t req, const msg::CreateUser& m) {
        if (auto bad = check_create_user(state_, m)) {
            send_reply(rid, req, *bad);
            return;
        }
        HashWait wait{rid, req, false, m, {}, random_bytes(kSaltBytes), {}, kPbkdf2Iterations};
        submit_hash(std::move(wait), m.password);
    }

    void login(const std::string& rid, uint64_t req, const msg::Login& m) {
        auto user = check_login(state_, m);
        if (!user) {
            send_reply(rid, req, msg::Error{"login_refused", user.error()});
            return;
        }
        if (auto bad = check_name("node id", m.node_id)) {
            send_reply(rid, req, msg::Error{"bad_name", *bad});
            return;
        }
        HashWait wait{rid, req, true, {}, m, user->salt, user->hash, user->iterations};
        submit_hash(std::move(wait), m.password);
    }

    void submit_hash(HashWait wait, const std::string& password) {
        const uint64_t job = next_job_++;
        hashers_.submit(job, password, wait.salt, wait.iterations);
        // The password is not kept while the hash is computed.
        wait.create.password.clear();
        wait.login.password.clear();
        hash_waits_.emplace(job, std::move(wait));
    }

    void handle_hasher(std::size_t i) {
        HashResult result;
        while (hashers_.receive(i, result)) {
            auto it = hash_waits_.find(result.job);
            if (it == hash_waits_.end()) continue;
            HashWait wait = std::move(it->second);
            hash_waits_.erase(it);
            if (!wait.is_login) {
                commit(StoredCreateUser{wait.create.user, wait.salt, result.hash, wait.iterations}, wait.routing_id,
                       wait.request_id);
            } else if (!same_hash(result.hash, wait.stored_hash)) {
                send_reply(wait.routing_id, wait.request_id, msg::Error{"login_refused", "wrong user name or password"});
            } else {
                commit(StoredOpenSession{random_hex(16), wait.login.user, wait.login.node_id, wait.login.endpoint},
                       wait.routing_id, wait.request_id);
            }
        }
    }

    void heartbeat(const std::string& rid, uint64_t req, const msg::Heartbeat& m) {
        if (!find_session(state_, m.token)) {
            send_reply(rid, req, msg::Error{"no_session", "your session has ended (expired or logged out): log in again"});
            return;
        }
        last_seen_[m.token] = Clock::now();
        send_reply(rid, req, msg::Ok{});
    }

    void commit(const Command& command, const std::string& rid, uint64_t req) {
        Outcome outcome = tracker::apply(state_, command);
        if (outcome.changed) {
            ++counters_.commands;
            journal_->append(++last_seq_, encode_command(command));
            if (const auto* open = std::get_if<StoredOpenSession>(&command)) last_seen_[open->token] = Clock::now();
        }
        send_reply(rid, req, outcome.reply, outcome.events);
        if (last_seq_ - snapshot_seq_ >= config_.snapshot_every) {
            snapshot_seq_ = last_seq_;
            journal_->snapshot(last_seq_, encode_state(state_));
        }
    }

    void send_reply(const std::string& rid, uint64_t req, const Reply& reply, const std::vector<Event>& events = {}) {
        if (std::holds_alternative<msg::Error>(reply)) ++counters_.refused;
        OutgoingReply out{rid, encode_reply(req, reply), {}};
        for (const auto& e : events) out.events.emplace_back(e.topic, encode(0, e.body));
        if (outbox_.hold(last_seq_, out)) deliver(out);
    }

    void send_error(const std::string& rid, uint64_t req, std::string code, std::string text) {
        ++counters_.refused;
        send_now(rid, encode(req, msg::Error{std::move(code), std::move(text)}));
    }

    void send_now(const std::string& rid, const std::string& bytes) {
        zmq::multipart_t out;
        out.addstr(rid);
        out.addstr(bytes);
        out.send(router_, static_cast<int>(zmq::send_flags::dontwait));
    }

    void deliver(OutgoingReply& out) {
        if (!out.routing_id.empty()) send_now(out.routing_id, out.reply);
        for (auto& [topic, body] : out.events) {
            zmq::multipart_t ev;
            ev.addstr(topic);
            ev.addstr(body);
            ev.send(pub_, static_cast<int>(zmq::send_flags::dontwait));
        }
    }

    void handle_journal() {
        JournalActor::Report report;
        while (journal_->receive(report)) {
            if (report.failed) {
                zmq::multipart_t out;
                out.addstr("FAILED");
                out.addstr("journal write failed: " + report.reason);
                out.send(pipe_);
                loop_.stop();
                return;
            }
            counters_.fsyncs = report.syncs;
            for (auto& out : outbox_.release(report.durable_seq)) deliver(out);
        }
    }

    void expire_sessions() {
        const auto now = Clock::now();
        std::vector<std::string> expired;
        for (const auto& [token, s] : state_.sessions) {
            auto [it, fresh] = last_seen_.try_emplace(token, now);
            if (!fresh && now - it->second > config_.session_timeout) expired.push_back(token);
        }
        for (const auto& token : expired) {
            logging::info("tracker", "session of ", state_.sessions.at(token).user, " expired (no heartbeat)");
            last_seen_.erase(token);
            commit(StoredCloseSession{token, "expired (no heartbeat)"}, {}, 0);
        }
        std::erase_if(last_seen_, [&](const auto& kv) { return !state_.sessions.count(kv.first); });
    }

    TrackerConfig config_;
    zmq::socket_t& pipe_;
    zmq::socket_t router_;
    zmq::socket_t pub_;
    std::unique_ptr<JournalActor> journal_;
    PasswordHashers hashers_;
    actors::Loop loop_;
    TicketKey ticket_key_;

    State state_;
    uint64_t last_seq_ = 0;
    uint64_t snapshot_seq_ = 0;
    std::size_t recovered_records_ = 0;
    DurableOutbox outbox_;
    std::unordered_set<std::string> greeted_;
    std::map<uint64_t, HashWait> hash_waits_;
    uint64_t next_job_ = 1;
    std::map<std::string, Clock::time_point> last_seen_;
    Counters counters_;
};

}  // namespace

std::unique_ptr<actors::Actor> start_tracker(zmq::context_t& ctx, const TrackerConfig& config) {
    return std::make_unique<actors::Actor>(ctx, "tracker", [&ctx, config](zmq::socket_t& pipe) {
        Server server(ctx, config, pipe);
        server.run();
    });
}

}  // namespace p2p::tracker
