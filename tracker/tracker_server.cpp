#include "tracker/tracker_server.hpp"

#include <iostream>
#include <sstream>
#include <zmq_addon.hpp>

#include "actors/event_publisher.hpp"
#include "actors/log.hpp"
#include "messages/limits.hpp"
#include "messages/names.hpp"
#include "messages/random_id.hpp"
#include "tracker/role_file.hpp"
#include "tracker/server.hpp"
#include "tracker/storage/journal.hpp"
#include "tracker/ticket_key_file.hpp"

namespace p2p::tracker {

namespace {

RoleConfig role_config(const TrackerConfig& config) {
    RoleConfig rc;
    rc.self = config.index;
    rc.trackers = static_cast<uint32_t>(config.trackers.size());
    rc.peer_timeout = config.peer_timeout;
    rc.visit_window = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(3000), 3 * config.peer_timeout);
    return rc;
}

}  // namespace

Server::Server(zmq::context_t& ctx, const TrackerConfig& config, zmq::socket_t& pipe)
    : config_(config),
      pipe_(pipe),
      router_(ctx, zmq::socket_type::router),
      pub_(ctx, zmq::socket_type::pub),
      journal_(nullptr),
      hashers_(ctx, config.hashers),
      role_(role_config(config), 0, false, Clock::now()) {
    recover();
    ticket_key_ = load_or_create_ticket_key(config_.data_dir);
    const RoleRecord saved = load_role(config_.data_dir);
    role_ = RoleMachine(role_config(config_), saved.term, saved.was_primary, Clock::now());
    role_.set_seq(last_seq_);
    journal_ = std::make_unique<JournalActor>(ctx, config_.data_dir);
    for (auto* s : {&router_, &pub_}) {
        s->set(zmq::sockopt::linger, 0);
        s->set(zmq::sockopt::maxmsgsize, limits::kControlFrameBytes);
    }
    actors::make_server(router_, config_.security);
    // Group events name members and files: the PUB is for operators' keys
    // only (monitor_keys.hpp); nodes hear their groups' events over their
    // own session connection (deliver()).
    actors::make_server(pub_, config_.security, kEventsZapDomain);
    if (config_.watch_sockets) {
        actors::watch_socket(router_, "router");
        actors::watch_socket(pub_, "pub");
    }
    router_.bind(config_.address().rpc_endpoint());
    pub_.bind(config_.address().pub_endpoint());
    if (config_.trackers.size() > 1) link_ = std::make_unique<ReplicationLink>(ctx, config_.index, config_.trackers, config_.security);
}

void Server::run() {
    loop_.on_pipe(pipe_, [this](zmq::multipart_t& m) { handle_pipe(m); });
    loop_.on(router_, [this] { handle_router(); });
    loop_.on(journal_->pipe(), [this] { handle_journal(); });
    for (std::size_t i = 0; i < hashers_.size(); ++i) {
        loop_.on(hashers_.pipe(i), [this, i] { handle_hasher(i); });
    }
    if (link_) link_->watch(loop_, [this](PeerMessage& m) { on_peer_message(m); });
    const auto tick = std::max<std::chrono::milliseconds>(config_.session_timeout / 5, std::chrono::milliseconds(50));
    loop_.every(tick, [this] { expire_sessions(); });
    loop_.every(std::chrono::milliseconds(50), [this] { replication_tick(); });
    // Ready first: whatever the first tick says on the pipe (a single
    // tracker's "is primary" line) must come after the ready signal, or the
    // parent takes it for the signal and the line is lost.
    actors::signal_ready(pipe_);
    replication_tick();  // a single tracker is primary before the first request
    loop_.run();
}

void Server::recover() {
    auto recovery = storage::recover(config_.data_dir);
    for (const auto& line : recovery.log) logging::warn("journal", line);
    if (recovery.snapshot) {
        state_ = decode_state(recovery.snapshot->bytes);
        last_seq_ = recovery.snapshot->seq;
    }
    snapshot_seq_ = last_seq_;
    for (const auto& rec : recovery.records) {
        auto entry = decode_entry(rec.payload);
        if (!entry) {
            throw std::runtime_error("journal record " + std::to_string(rec.seq) + " passed its CRC but does not decode (" +
                                     entry.error() + "); refusing to start on a journal this binary cannot read");
        }
        tracker::apply(state_, *entry);
        last_seq_ = rec.seq;
    }
    local_durable_ = last_seq_;
    outbox_.set_durable(last_seq_);
    recovered_records_ = recovery.records.size();
    logging::info("journal", "recovered to seq ", last_seq_, ": ", recovered_records_, " journal records replayed",
                  recovery.snapshot ? " after a snapshot" : "");
    // Sessions restored from disk get a full timeout to heartbeat again.
    const auto now = Clock::now();
    for (const auto& [token, s] : state_.sessions) last_seen_[token] = now;
}

void Server::handle_pipe(zmq::multipart_t& m) {
    if (m.size() != 1) return;
    const auto verb = m[0].to_string_view();
    std::string text;
    if (verb == "STATUS") {
        text = status_text();
    } else if (verb == "PROMOTE") {
        const auto action = role_.operator_promote(Clock::now());
        if (action.type == RoleAction::Type::None) {
            text = "tracker " + std::to_string(config_.index) + " is already primary";
        } else {
            apply_role_action(action);
            text = "tracker " + std::to_string(config_.index) + " is primary now (term " + std::to_string(role_.term()) + ")";
        }
    } else {
        return;
    }
    zmq::multipart_t out;
    out.addstr("STATUS");
    out.addstr(text);
    out.send(pipe_);
}

std::string Server::status_text() {
    std::size_t files = 0, sharers = 0;
    for (const auto& [name, g] : state_.groups) {
        files += g.files.size();
        for (const auto& [file_name, f] : g.files) sharers += f.sharers.size();
    }
    std::ostringstream out;
    out << "tracker " << config_.index << " at " << config_.address().label() << ": " << replication_status()
        << "users " << state_.users.size() << ", groups " << state_.groups.size() << ", sessions "
        << state_.sessions.size() << "\n"
        << "files " << files << " (" << sharers << " sharers)\n"
        << "journal seq " << last_seq_ << " (durable " << local_durable_ << ", snapshot " << snapshot_seq_ << ", "
        << counters_.fsyncs << " fsyncs)\n"
        << "requests " << counters_.requests << ", malformed " << counters_.malformed << ", refused "
        << counters_.refused << ", replayed " << counters_.replayed << ", not primary " << counters_.not_primary
        << ", replies waiting for disk " << outbox_.waiting();
    return out.str();
}

void Server::handle_router() {
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
void Server::with(const Envelope& env, const std::string& rid, F&& handler) {
    auto m = env.as<T>();
    if (!m) {
        ++counters_.malformed;
        send_error(rid, env.request_id(), "malformed", m.error());
        return;
    }
    if constexpr (requires { m->token; }) {
        if (!m->token.empty() && !token_fits_key(state_, m->token, request_key_)) {
            send_error(rid, env.request_id(), "forged",
                       "this session belongs to another node (its token came from a different key)");
            return;
        }
        // The session's events go where its requests come from: after a
        // reconnect or a failover, the next heartbeat finds it again.
        if (!m->token.empty() && state_.sessions.count(m->token)) routes_[m->token] = rid;
    }
    handler(*m);
}

void Server::handle_request(const std::string& rid, const zmq::message_t& frame) {
    auto env = decode_envelope(frame.data(), frame.size());
    if (!env) {
        ++counters_.malformed;
        send_error(rid, 0, "malformed", env.error());
        return;
    }
    const uint64_t req = env->request_id();
    request_key_ = actors::peer_key(frame);
    if (!role_.is_primary()) {
        // A node only comes to a standby when it cannot reach the primary:
        // that, with the primary gone, is what lets a standby take over.
        const auto now = Clock::now();
        role_.node_came(now);
        apply_role_action(role_.tick(now));
    }
    if (env->kind() == Kind::Hello) {
        with<msg::Hello>(*env, rid, [&](const msg::Hello& h) { hello(rid, req, h); });
        return;
    }
    if (!role_.is_primary()) {
        ++counters_.not_primary;
        const auto now = Clock::now();
        send_now(rid, encode(req, msg::NotPrimary{config_.index, role_.primary(now), role_.waiting_reason(now)}));
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
        case Kind::Heartbeat: with<msg::Heartbeat>(*env, rid, [&](const auto& m) { heartbeat(rid, req, m); }); break;
        case Kind::ListGroups:
            with<msg::ListGroups>(*env, rid, [&](const auto& m) { send_reply(rid, req, list_groups(state_, m)); });
            break;
        case Kind::ListRequests:
            with<msg::ListRequests>(*env, rid, [&](const auto& m) { send_reply(rid, req, list_requests(state_, m)); });
            break;
        case Kind::Logout: with<msg::Logout>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
        case Kind::CreateGroup: with<msg::CreateGroup>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
        case Kind::JoinGroup: with<msg::JoinGroup>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
        case Kind::LeaveGroup: with<msg::LeaveGroup>(*env, rid, [&](const auto& m) { commit(m, rid, req); }); break;
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
            with<msg::GetFile>(*env, rid, [&](const auto& m) { send_reply(rid, req, with_ticket(get_file(state_, m))); });
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

void Server::hello(const std::string& rid, uint64_t req, const msg::Hello& h) {
    if (h.protocol != msg::kProtocolVersion) {
        send_error(rid, req, "protocol", "this tracker speaks protocol " + std::to_string(msg::kProtocolVersion) +
                                             ", the node speaks " + std::to_string(h.protocol));
        return;
    }
    // A node id that is no name gives no idempotency key (its retries are
    // applied again), rather than a key that collides with someone else's.
    greeted_[rid] = check_name("node id", h.node_id) ? std::string() : h.node_id;
    send_now(rid, encode(req, msg::HelloOk{msg::kProtocolVersion, config_.index,
                                            role_.is_primary() ? msg::role::kPrimary : msg::role::kStandby,
                                            ticket_key_.public_key}));
}

std::string Server::origin_of(const std::string& rid) const {
    auto it = greeted_.find(rid);
    return it == greeted_.end() ? std::string() : it->second;
}

// The machine names who, which group and which file; the clock and the
// key are here: stamp the expiry and sign. Errors pass through.
Reply Server::with_ticket(Reply reply) const {
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

// A retried create_user or login that was already applied (before a
// failover, or while the node's first try was still hashing) is answered
// from the state, without hashing again.
bool Server::replay_if_answered(const std::string& rid, uint64_t req) {
    const auto origin = origin_of(rid);
    if (origin.empty()) return false;
    const RecentReply* seen = find_reply(state_, origin, req);
    if (!seen) return false;
    ++counters_.replayed;
    send_reply(rid, req, Replayed{seen->reply});
    return true;
}

void Server::create_user(const std::string& rid, uint64_t req, const msg::CreateUser& m) {
    if (replay_if_answered(rid, req)) return;
    if (auto bad = check_create_user(state_, m)) {
        send_reply(rid, req, *bad);
        return;
    }
    HashWait wait{rid, req, origin_of(rid), request_key_, false, m, {}, random_bytes(kSaltBytes), {}, kPbkdf2Iterations};
    submit_hash(std::move(wait), m.password);
}

void Server::login(const std::string& rid, uint64_t req, const msg::Login& m) {
    if (replay_if_answered(rid, req)) return;
    if (auto wait = login_wait(m.user, request_key_)) {
        send_reply(rid, req, msg::Error{"login_backoff", *wait});
        return;
    }
    auto user = check_login(state_, m);
    if (!user) {
        login_failed(m.user, request_key_);
        send_reply(rid, req, msg::Error{"login_refused", user.error()});
        return;
    }
    if (auto bad = check_name("node id", m.node_id)) {
        send_reply(rid, req, msg::Error{"bad_name", *bad});
        return;
    }
    HashWait wait{rid, req, origin_of(rid), request_key_, true, {}, m, user->salt, user->hash, user->iterations};
    submit_hash(std::move(wait), m.password);
}

void Server::submit_hash(HashWait wait, const std::string& password) {
    const uint64_t job = next_job_++;
    hashers_.submit(job, password, wait.salt, wait.iterations);
    // The password is not kept while the hash is computed.
    wait.create.password.clear();
    wait.login.password.clear();
    hash_waits_.emplace(job, std::move(wait));
}

void Server::handle_hasher(std::size_t i) {
    HashResult result;
    while (hashers_.receive(i, result)) {
        auto it = hash_waits_.find(result.job);
        if (it == hash_waits_.end()) continue;
        HashWait wait = std::move(it->second);
        hash_waits_.erase(it);
        if (!role_.is_primary()) continue;  // stepped down meanwhile: the node asks the new primary
        if (!wait.is_login) {
            commit(StoredCreateUser{wait.create.user, wait.salt, result.hash, wait.iterations}, wait.routing_id,
                   wait.request_id);
        } else if (!same_hash(result.hash, wait.stored_hash)) {
            login_failed(wait.login.user, wait.key);
            send_reply(wait.routing_id, wait.request_id, msg::Error{"login_refused", "wrong user name or password"});
        } else {
            login_failures_.erase("user:" + wait.login.user);
            login_failures_.erase("key:" + wait.key);
            commit(StoredOpenSession{random_hex(16), wait.login.user, wait.login.node_id, wait.login.endpoint, wait.key},
                   wait.routing_id, wait.request_id);
        }
    }
}

namespace {
constexpr uint32_t kFreeLoginFailures = 3;
constexpr auto kMaxLoginWait = std::chrono::seconds(60);
}  // namespace

// Why this login must wait, or nullopt. Checked before the (slow) hash, so
// a guesser costs nothing while it waits.
std::optional<std::string> Server::login_wait(const std::string& user, const std::string& key) {
    const auto now = Clock::now();
    for (const auto& [id, what] : {std::pair{"user:" + user, "for " + user},
                                   std::pair{"key:" + key, std::string("from this node")}}) {
        auto it = login_failures_.find(id);
        if (it == login_failures_.end() || it->second.until <= now) continue;
        const auto s = std::chrono::duration_cast<std::chrono::seconds>(it->second.until - now).count() + 1;
        return "too many failed logins " + what + ": try again in " + std::to_string(s) + " s";
    }
    return std::nullopt;
}

void Server::login_failed(const std::string& user, const std::string& key) {
    const auto now = Clock::now();
    if (login_failures_.size() > 10000) {
        std::erase_if(login_failures_, [&](const auto& kv) { return kv.second.until <= now; });
    }
    // Only users that exist get an entry: unknown names must not fill the table.
    std::vector<std::string> ids{"key:" + key};
    if (state_.users.count(user)) ids.push_back("user:" + user);
    for (const auto& id : ids) {
        auto& f = login_failures_[id];
        ++f.count;
        if (f.count >= kFreeLoginFailures) {
            // 1 s, 2 s, 4 s ... up to a minute.
            const auto doubling = std::min<uint32_t>(f.count - kFreeLoginFailures, 6);
            const auto wait = std::min<std::chrono::seconds>(std::chrono::seconds(1L << doubling), kMaxLoginWait);
            f.until = now + wait;
        }
    }
}

void Server::heartbeat(const std::string& rid, uint64_t req, const msg::Heartbeat& m) {
    if (!find_session(state_, m.token)) {
        send_reply(rid, req, msg::Error{"no_session", "your session has ended (expired or logged out): log in again"});
        return;
    }
    last_seen_[m.token] = Clock::now();
    send_reply(rid, req, msg::Ok{});
}

void Server::commit(const Command& command, const std::string& rid, uint64_t req) {
    const Entry entry{origin_of(rid), req, command};
    Outcome outcome = tracker::apply(state_, entry);
    if (std::holds_alternative<Replayed>(outcome.reply)) ++counters_.replayed;
    if (outcome.changed) {
        ++counters_.commands;
        record(++last_seq_, encode_entry(entry));
        if (const auto* open = std::get_if<StoredOpenSession>(&command)) {
            last_seen_[open->token] = Clock::now();
            if (!rid.empty()) routes_[open->token] = rid;
        }
    }
    send_reply(rid, req, outcome.reply, outcome.events);
}

// A new journal record: to our disk, to every standby, and now and then a snapshot.
void Server::record(uint64_t seq, const std::string& payload) {
    journal_->append(seq, payload);
    role_.set_seq(seq);
    stream(seq, payload);
    if (last_seq_ - snapshot_seq_ >= config_.snapshot_every) {
        snapshot_seq_ = last_seq_;
        journal_->snapshot(last_seq_, encode_state(state_));
    }
}

void Server::send_reply(const std::string& rid, uint64_t req, const Reply& reply, const std::vector<Event>& events) {
    if (std::holds_alternative<msg::Error>(reply)) ++counters_.refused;
    OutgoingReply out{rid, encode_reply(req, reply), {}};
    for (const auto& e : events) {
        // The audience as the state stands now, right after the change.
        OutgoingEvent oe{e.topic, encode(0, e.body), {}};
        for (const auto& token : audience_sessions(state_, event_audience(state_, e))) {
            if (auto r = routes_.find(token); r != routes_.end()) oe.recipients.push_back(r->second);
        }
        out.events.push_back(std::move(oe));
    }
    if (outbox_.hold(last_seq_, out)) deliver(out);
}

void Server::send_error(const std::string& rid, uint64_t req, std::string code, std::string text) {
    ++counters_.refused;
    send_now(rid, encode(req, msg::Error{std::move(code), std::move(text)}));
}

void Server::send_now(const std::string& rid, const std::string& bytes) {
    zmq::multipart_t out;
    out.addstr(rid);
    out.addstr(bytes);
    out.send(router_, static_cast<int>(zmq::send_flags::dontwait));
}

void Server::deliver(OutgoingReply& out) {
    if (!out.routing_id.empty()) send_now(out.routing_id, out.reply);
    for (const auto& e : out.events) {
        for (const auto& rid : e.recipients) {
            // [topic][event] on the session connection: two frames, where
            // every reply is one.
            zmq::multipart_t m;
            m.addstr(rid);
            m.addstr(e.topic);
            m.addstr(e.body);
            m.send(router_, static_cast<int>(zmq::send_flags::dontwait));
        }
        publish(e.topic, e.body);
    }
}

void Server::publish(const std::string& topic, const std::string& body) {
    zmq::multipart_t ev;
    ev.addstr(topic);
    // Every event carries this run's sequence number (publish_stamp.hpp), so
    // zmq-monitor can report lost events instead of hiding them.
    auto stamped = msg::restamp(body, pub_seq_.next());
    ev.addstr(stamped ? std::move(*stamped) : body);
    ev.send(pub_, static_cast<int>(zmq::send_flags::dontwait));
}

void Server::handle_journal() {
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
        local_durable_ = report.durable_seq;
        if (role_.is_primary()) {
            release_outbox();
        } else {
            on_standby_durable(report.durable_seq);
        }
    }
}

void Server::expire_sessions() {
    if (!role_.is_primary()) return;  // the primary decides; standbys hear it in the stream
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
    std::erase_if(routes_, [&](const auto& kv) { return !state_.sessions.count(kv.first); });
}

std::unique_ptr<actors::Actor> start_tracker(zmq::context_t& ctx, const TrackerConfig& config) {
    return std::make_unique<actors::Actor>(ctx, "tracker", [&ctx, config](zmq::socket_t& pipe) {
        Server server(ctx, config, pipe);
        server.run();
    });
}

}  // namespace p2p::tracker
