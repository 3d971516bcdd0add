#include "node/engine/transfer_engine.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <zmq_addon.hpp>

#include "actors/event_publisher.hpp"
#include "actors/loop.hpp"
#include "messages/envelope.hpp"
#include "messages/peer_protocol.hpp"
#include "messages/piece_seal.hpp"
#include "messages/random_id.hpp"
#include "messages/tracker_info.hpp"
#include "messages/tracker_protocol.hpp"
#include "node/engine/download.hpp"
#include "node/engine/download_events.hpp"
#include "node/engine/engine_protocol.hpp"
#include "node/engine/file_id_check.hpp"
#include "node/engine/piece_server.hpp"
#include "node/engine/piece_workers.hpp"
#include "node/engine/request_credit.hpp"
#include "node/engine/stall_reason.hpp"
#include "node/files/boot_id.hpp"
#include "node/files/resume_record.hpp"
#include "node/tracker_text.hpp"

namespace p2p::node {

namespace {

using namespace std::chrono_literals;
using transfer::PieceIndex;

constexpr auto kPieceTimeout = 5s;
// How often each source is asked what it has and what it has sent
// (HaveReply). Fresh news of what a source sent to others is what keeps
// downloaders from asking a seeder for the same piece twice; a poll is one
// small message each way.
constexpr auto kHavePoll = 200ms;
constexpr auto kSourcesRefresh = 2s;
constexpr auto kCooling = 20s;
constexpr auto kResumeEvery = 1s;
constexpr std::size_t kMaxAtWorkers = 16;  // pieces (8 MiB) hashed or written at once

class Engine {
public:
    Engine(zmq::context_t& ctx, EngineConfig config, zmq::socket_t& pipe)
        : ctx_(ctx),
          config_(std::move(config)),
          pipe_(pipe),
          router_(ctx, zmq::socket_type::router),
          server_(router_),
          workers_(ctx, config_.workers),
          rng_(std::random_device{}()) {
        router_.set(zmq::sockopt::linger, 0);
        router_.set(zmq::sockopt::maxmsgsize, int64_t{1} << 20);
        actors::make_server(router_, config_.security);
        if (config_.events) {
            actors::watch_socket(router_, "peers");
            events_ = actors::EventSink(ctx);
        }
        router_.bind("tcp://" + config_.endpoint);
        if (!config_.security.plain()) bind_data_router();
        server_.set_upload_limit(config_.upload_limit);
    }

    ~Engine() { reset(); }

    void run() {
        loop_.on_pipe(pipe_, [this](zmq::multipart_t& m) { handle_pipe(m); });
        loop_.on(router_, [this] { server_.handle_router(); });
        if (data_router_) loop_.on(*data_router_, [this] { server_.discard_data_router_input(); });
        for (std::size_t i = 0; i < workers_.size(); ++i) loop_.on(workers_.pipe(i), [this, i] { handle_worker(i); });
        loop_.every(200ms, [this] { tick(); });
        if (config_.upload_limit > 0) loop_.every(10ms, [this] { server_.drain(); });
        loop_.every(kSourcesRefresh, [this] { ask_for_sources(); });
        if (events_.enabled()) loop_.every(1s, [this] { publish_progress(); });
        actors::signal_ready(pipe_);
        loop_.run();
    }

private:
    struct Link {
        uint32_t download = 0;
        uint32_t source = 0;
        // One DEALER per connection (config_.connections_per_source), each
        // pinned to its own libzmq I/O thread: that thread does the
        // connection's CURVE work. Requests go round-robin over them.
        std::vector<std::unique_ptr<zmq::socket_t>> sockets;
        std::size_t next = 0;
        // The plain connection sealed pieces come back on (peer_protocol.hpp),
        // once the source has named its data port; its routing id is the
        // channel, and seal_key is this link's own AES-256-GCM key.
        std::unique_ptr<zmq::socket_t> data;
        std::string channel;
        std::string seal_key;
    };
    static uint64_t link_key(uint32_t download, uint32_t source) { return (uint64_t{download} << 32) | source; }

    // The sealed-piece ROUTER: plain TCP on an ephemeral port of our host.
    void bind_data_router() {
        auto host = parse_host_port(config_.endpoint);
        if (!host) return;  // the CURVE router's bind above would have thrown first
        data_router_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::router);
        data_router_->set(zmq::sockopt::linger, 0);
        data_router_->set(zmq::sockopt::maxmsgsize, int64_t{4096});  // nothing is expected inbound
        data_router_->set(zmq::sockopt::router_mandatory, 1);
        data_router_->set(zmq::sockopt::sndbuf, 4 << 20);
        if (config_.events) actors::watch_socket(*data_router_, "peers-sealed");
        data_router_->bind("tcp://" + host->first + ":0");
        auto bound = parse_host_port(data_router_->get(zmq::sockopt::last_endpoint).substr(6));  // "tcp://"
        if (!bound) return;
        server_.set_sealed_channel(*data_router_, bound->second);
    }

    // ---- pipe -------------------------------------------------------------
    void handle_pipe(zmq::multipart_t& m) {
        const std::string op = m.size() > 0 ? m[0].to_string() : "";
        if (op == "KEY" && m.size() == 2) {
            server_.set_ticket_key(m[1].to_string());
        } else if ((op == "REVOKE" || op == "UNREVOKE") && m.size() == 3) {
            // A member left (or came back): its tickets for that group stop (or may) working here.
            server_.set_revoked(m[1].to_string(), m[2].to_string(), op == "REVOKE");
        } else if (op == "SERVE" && m.size() == 2) {
            auto f = unpack_body<ServeFile>(m[1].data(), m[1].size());
            if (auto err = server_.serve_complete(f.group, f.path, f.meta); !err.empty()) {
                notify("NOTE", {"cannot serve " + f.meta.name + " in " + f.group + ": " + err});
            }
        } else if (op == "UNSERVE" && m.size() == 2) {
            auto f = unpack_body<ServeFile>(m[1].data(), m[1].size());
            server_.unserve(f.group, f.meta.file_id);
        } else if (op == "START" && m.size() == 2) {
            start(unpack_body<StartDownload>(m[1].data(), m[1].size()));
        } else if (op == "SOURCES" && m.size() == 2) {
            auto list = unpack_body<msg::SourceList>(m[1].data(), m[1].size());
            for (auto& [id, d] : downloads_) {
                if (d->group == list.group && d->meta.name == list.name && d->phase == DownloadPhase::Fetching) {
                    d->ticket = list.ticket;
                    d->tracker_code.clear();
                    d->tracker_text.clear();
                    add_sources(*d, list.sources, true);
                    update_problem(*d);
                }
            }
        } else if (op == "SOURCES_FAILED" && m.size() == 2) {
            auto failed = unpack_body<SourcesFailed>(m[1].data(), m[1].size());
            for (auto& [id, d] : downloads_) {
                if (d->group == failed.group && d->meta.name == failed.name && d->phase == DownloadPhase::Fetching) {
                    d->tracker_code = failed.code;
                    d->tracker_text = failed.text;
                    update_problem(*d);
                }
            }
        } else if (op == "STATUS") {
            std::string text;
            const auto now = SteadyClock::now();
            for (const auto& [id, d] : downloads_) text += d->status_line(now) + "\n";
            reply_text("STATUS", text);
        } else if (op == "UPLOADS") {
            std::string text;
            for (const auto& line : server_.upload_lines()) text += line + "\n";
            reply_text("UPLOADS", text);
        } else if (op == "RESET") {
            reset();
        }
    }

    void reply_text(const char* op, const std::string& text) {
        zmq::multipart_t out;
        out.addstr(op);
        out.addstr(text);
        out.send(pipe_);
    }

    // ---- --events ---------------------------------------------------------------
    void publish(const Download& d, const char* type, const std::string& detail = {}) {
        if (!events_.enabled()) return;
        const auto e = download_event(d, type, config_.process, SteadyClock::now(), detail);
        events_.send(msg::download_topic(d.group), encode(0, e));
    }

    // About once a second per download still fetching: enough to plot a
    // swarm's progress, too little to cost anything.
    void publish_progress() {
        for (const auto& [id, d] : downloads_) {
            if (d->phase == DownloadPhase::Fetching) publish(*d, msg::process_event::kDownloadProgress);
        }
    }

    void notify(const char* op, std::initializer_list<std::string> fields) {
        zmq::multipart_t out;
        out.addstr(op);
        for (const auto& f : fields) out.addstr(f);
        out.send(pipe_);
    }

    // ---- starting -----------------------------------------------------------
    void start(StartDownload s) {
        for (auto it = downloads_.begin(); it != downloads_.end(); ++it) {
            const Download& d = *it->second;
            if (d.meta.file_id != s.meta.file_id || d.dest_dir != s.dest_dir) continue;
            if (d.phase != DownloadPhase::Failed) return;  // already running
            // A retry replaces the download that stopped (its file is
            // released), so show_downloads lists it once.
            downloads_.erase(it);
            break;
        }
        auto d = std::make_unique<Download>(s.meta.piece_hashes.size());
        d->id = next_download_++;
        d->group = s.group;
        d->meta = s.meta;
        d->dest_dir = s.dest_dir;
        d->final_path = (std::filesystem::path(s.dest_dir) / s.meta.name).string();
        d->part_path = d->final_path + ".part";
        d->resume_path = s.resume_path;
        d->ticket = s.ticket;
        Download& dl = *d;
        downloads_.emplace(dl.id, std::move(d));

        const bool resuming = !s.have.empty() && std::filesystem::exists(dl.part_path);
        const bool created = !std::filesystem::exists(dl.part_path);
        dl.fd = ::open(dl.part_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (dl.fd < 0) return fail(dl, "cannot create " + dl.part_path + ": " + std::strerror(errno));
        if (resuming) {
            if (auto have = transfer::Bitfield::from_bytes(s.have, dl.meta.piece_hashes.size())) {
                if (files::written_this_boot(s.have_boot_id, boot_id_)) {
                    // Killed, not crashed: what it wrote is in the page cache.
                    have->for_each_set([&](PieceIndex p) { dl.picker.mark_have(p); });
                    dl.resumed_pieces = have->count();
                } else {
                    have->for_each_set([&](PieceIndex p) { dl.to_prove.push_back(p.value); });
                    // Read back front to back (popped from the end): the disk reads ahead.
                    std::reverse(dl.to_prove.begin(), dl.to_prove.end());
                }
            }
        } else if (dl.meta.size > 0) {
            // Reserving the whole file up front turns a full disk into one
            // clear error now rather than a failed write halfway through.
            const int err = ::posix_fallocate(dl.fd, 0, static_cast<off_t>(dl.meta.size));
            if (err != 0) {
                return fail_new(dl, created, "cannot reserve " + human_size(dl.meta.size) + " for " + dl.part_path +
                                                 ": " + std::strerror(err));
            }
        }
        // While pieces are proven the record from the earlier boot stays as
        // it is: a save now would list none of them, or trust them all.
        if (dl.to_prove.empty()) {
            if (auto err = save_resume(dl); !err.empty()) return fail_new(dl, created, err);
        }
        server_.serve_partial(dl.group, dl.part_path, dl.meta, dl.fd, dl.picker.have_bitfield());
        zmq::multipart_t out;
        out.addstr("ANNOUNCE");
        out.addstr(pack_body(Announce{dl.group, dl.meta, false}));
        out.send(pipe_);
        publish(dl, msg::process_event::kDownloadStarted);
        if (!dl.to_prove.empty()) {
            dl.phase = DownloadPhase::Proving;
            dl.sources_after_proving = s.sources;
            return prove_more(dl);
        }
        begin_fetching(dl, s.sources);
    }

    void begin_fetching(Download& dl, const std::vector<msg::Source>& sources) {
        dl.bytes_done_at_start = dl.bytes_have();
        if (!dl.meta.piece_hashes.empty()) {
            dl.reported_quarter = static_cast<int>(4 * dl.resumed_pieces / dl.meta.piece_hashes.size());
        }
        if (dl.picker.is_complete()) return finish(dl);
        add_sources(dl, sources, false);
        update_problem(dl);
    }

    // ---- proving pieces an earlier boot wrote ---------------------------------
    // A few at a time: each is one pread of a piece into a worker's buffer,
    // so memory stays two pieces however many are listed.
    static constexpr std::size_t kProveAhead = 4;

    void prove_more(Download& d) {
        while (d.at_workers.size() < kProveAhead && !d.to_prove.empty()) {
            const uint32_t index = d.to_prove.back();
            d.to_prove.pop_back();
            PieceJob job;
            job.stage = PieceStage::Prove;
            job.download = d.id;
            job.index = index;
            job.fd = d.fd;
            job.offset = uint64_t{index} * d.meta.piece_size;
            job.length = files::piece_length(d.meta, index);
            std::memcpy(job.hash, d.meta.piece_hashes[index].data(), sizeof job.hash);
            d.at_workers.insert(index);
            workers_.submit(job, zmq::message_t());
        }
    }

    void proved(Download& d, const PieceJobResult& result) {
        d.at_workers.erase(result.job.index);
        if (d.phase != DownloadPhase::Proving) return;
        if (result.outcome == PieceOutcome::Stored) {
            d.picker.mark_have(PieceIndex{result.job.index});
            server_.mark_have(d.group, d.meta.file_id, result.job.index);
            ++d.resumed_pieces;
        } else {
            ++d.prove_damaged;
        }
        if (!d.at_workers.empty() || !d.to_prove.empty()) return prove_more(d);
        d.phase = DownloadPhase::Fetching;
        notify("NOTE", {"download of " + d.meta.name + " in " + d.group +
                        ": the machine restarted since its pieces were written; read back " +
                        std::to_string(d.pieces_listed()) + ": " + std::to_string(d.resumed_pieces) + " intact, " +
                        std::to_string(d.prove_damaged) + " damaged (fetched again)"});
        if (!save_resume_or_fail(d)) return;
        auto sources = std::move(d.sources_after_proving);
        d.sources_after_proving.clear();
        begin_fetching(d, sources);
    }

    // A .part this start created holds nothing yet and no record names it:
    // removed, so that a retry once there is room is not refused as someone
    // else's file.
    void fail_new(Download& d, bool created, const std::string& why) {
        if (created) ::unlink(d.part_path.c_str());
        fail(d, why);
    }

    // Empty on success. A failed save leaves the previous record, which
    // lists fewer pieces, every one of them verified and written.
    std::string save_resume(Download& d) {
        try {
            files::ResumeRecord rec{d.group, d.meta, d.dest_dir, d.picker.have_bitfield().to_bytes(), ++resume_version_,
                                    boot_id_};
            files::save_resume(d.resume_path, rec);
            d.resume_dirty = false;
            d.last_resume_save = SteadyClock::now();
            return {};
        } catch (const std::system_error& e) {
            return "cannot save the resume record " + d.resume_path + ": " + e.code().message();
        } catch (const std::exception& e) {
            return "cannot save the resume record " + d.resume_path + ": " + e.what();
        }
    }

    // Pieces verified but not in any record would be fetched again after a
    // crash, and the gap grows with every piece: stop until the user makes
    // room and resumes.
    bool save_resume_or_fail(Download& d) {
        const std::string err = save_resume(d);
        if (!err.empty()) fail(d, err);
        return err.empty();
    }

    // ---- sources ------------------------------------------------------------
    void add_sources(Download& d, const std::vector<msg::Source>& list, bool authoritative) {
        const auto now = SteadyClock::now();
        if (authoritative) {
            // Sources the tracker no longer lists went offline.
            std::vector<uint32_t> gone;
            for (const auto& [id, s] : d.sources) {
                bool listed = false;
                for (const auto& l : list) listed |= l.endpoint == s.endpoint;
                if (!listed) gone.push_back(id);
            }
            for (uint32_t id : gone) drop_source(d, id, "");
        }
        for (const auto& l : list) {
            // Another user's claim, relayed by the tracker: connect() throws on
            // an endpoint it cannot parse, which would stop this whole engine.
            if (!parse_host_port(l.endpoint)) continue;
            if (l.endpoint == config_.endpoint || d.banned.count(l.endpoint)) continue;
            if (auto c = d.cooling.find(l.endpoint); c != d.cooling.end() && c->second > now) continue;
            bool present = false;
            for (const auto& [id, s] : d.sources) present |= s.endpoint == l.endpoint;
            if (present) continue;
            SourceState s;
            s.id = next_source_++;
            s.endpoint = l.endpoint;
            s.user = l.user;
            s.complete = l.complete;
            // Only the node the tracker named (by its key) can answer on this link.
            if (!config_.security.plain() && l.key.empty()) continue;
            const uint64_t key = link_key(d.id, s.id);
            Link link{d.id, s.id, {}, 0, nullptr, {}, {}};
            const std::size_t n = std::max<std::size_t>(1, config_.connections_per_source);
            for (std::size_t c = 0; c < n; ++c) {
                auto socket = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
                socket->set(zmq::sockopt::linger, 0);
                socket->set(zmq::sockopt::maxmsgsize, int64_t{d.meta.piece_size} + 65536);
                socket->set(zmq::sockopt::rcvbuf, 4 << 20);
                if (n > 1) socket->set(zmq::sockopt::affinity, uint64_t{1} << (c % config_.io_threads));
                actors::make_client(*socket, config_.security, l.key);
                socket->connect("tcp://" + l.endpoint);
                loop_.on(*socket, [this, key, c] { handle_link(key, c); });
                link.sockets.push_back(std::move(socket));
            }
            links_.emplace(key, std::move(link));
            d.sources.emplace(s.id, std::move(s));
            poll_have(d, d.sources.at(s.id));
        }
    }

    void drop_source(Download& d, uint32_t source_id, const std::string& why) {
        auto it = d.sources.find(source_id);
        if (it == d.sources.end()) return;
        d.picker.remove_peer(source_id);
        if (!why.empty()) d.problem = "dropped " + it->second.user + "@" + it->second.endpoint + ": " + why;
        d.sources.erase(it);
        auto link = links_.find(link_key(d.id, source_id));
        if (link != links_.end()) {
            forget_sockets(link->second);
            links_.erase(link);
        }
    }

    void forget_sockets(Link& link) {
        for (auto& socket : link.sockets) loop_.remove(*socket);
        if (link.data) loop_.remove(*link.data);
    }

    // The source named its sealed-piece port: open our channel to it.
    void open_data_channel(const Download& d, const SourceState& s, uint32_t port) {
        auto link = links_.find(link_key(d.id, s.id));
        if (link == links_.end() || link->second.data || port == 0 || port > 65535) return;
        auto host = parse_host_port(s.endpoint);
        if (!host) return;
        Link& l = link->second;
        // A routing id must not start with a zero byte (libzmq reserves those).
        l.channel = "c" + random_bytes(15);
        l.seal_key = random_bytes(msg::kSealKeyBytes);
        l.data = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
        l.data->set(zmq::sockopt::linger, 0);
        l.data->set(zmq::sockopt::routing_id, zmq::buffer(l.channel));
        l.data->set(zmq::sockopt::maxmsgsize, int64_t{d.meta.piece_size} + 65536);
        l.data->set(zmq::sockopt::rcvbuf, 4 << 20);
        l.data->connect("tcp://" + host->first + ":" + std::to_string(port));
        const uint64_t key = link->first;
        loop_.on(*l.data, [this, key] { handle_data(key); });
    }

    template <class T>
    void send_to(Download& d, SourceState& s, const T& request) {
        auto link = links_.find(link_key(d.id, s.id));
        if (link == links_.end()) return;
        const std::string bytes = encode(next_rid_++, request);
        Link& l = link->second;
        l.sockets[l.next++ % l.sockets.size()]->send(zmq::buffer(bytes), zmq::send_flags::dontwait);
    }

    void poll_have(Download& d, SourceState& s) {
        s.next_have_poll = SteadyClock::now() + kHavePoll;
        send_to(d, s, msg::HaveRequest{msg::kPeerProtocolVersion, d.ticket});
    }

    // Tops up the source's window of requests (credit-based flow control).
    void fill(Download& d, SourceState& s) {
        if (d.phase != DownloadPhase::Fetching || !s.known) return;
        const std::size_t credit = request_credit(s.in_flight.size(), d.requests_in_flight(), config_.window, config_.budget);
        if (credit == 0) return;
        // Credit comes back when a piece is stored, not when it arrives: if the
        // workers fall behind the network, pieces must wait at the sources, not
        // pile up in our memory.
        if (workers_.queued() >= kMaxAtWorkers) return;
        auto picks = d.picker.pick(s.id, credit, rng_);
        const auto deadline = SteadyClock::now() + kPieceTimeout;
        for (PieceIndex p : picks) {
            s.in_flight[p.value] = deadline;
            send_to(d, s, piece_request(d, s, p.value));
        }
    }

    // Sealed when the source has a data port: the key and channel travel
    // inside this request, on the CURVE connection.
    msg::PieceRequest piece_request(const Download& d, const SourceState& s, uint32_t index) const {
        msg::PieceRequest r{msg::kPeerProtocolVersion, d.ticket, index, {}, {}};
        auto link = links_.find(link_key(d.id, s.id));
        if (link != links_.end() && link->second.data) {
            r.channel = link->second.channel;
            r.seal_key = link->second.seal_key;
        }
        return r;
    }

    void fill_all(Download& d) {
        for (auto& [id, s] : d.sources) fill(d, s);
    }

    // ---- replies from sources -------------------------------------------------
    void handle_link(uint64_t key, std::size_t c) { receive_replies(key, c, false); }
    void handle_data(uint64_t key) { receive_replies(key, 0, true); }

    // on_data: from the link's plain data connection, where only sealed
    // pieces may come; else from CURVE connection c.
    void receive_replies(uint64_t key, std::size_t c, bool on_data) {
        for (int i = 0; i < 64; ++i) {
            auto link = links_.find(key);
            if (link == links_.end()) return;
            zmq::socket_t& socket = on_data ? *link->second.data : *link->second.sockets[c];
            zmq::multipart_t frames;
            if (!frames.recv(socket, static_cast<int>(zmq::recv_flags::dontwait))) return;
            auto d_it = downloads_.find(link->second.download);
            if (d_it == downloads_.end()) return;
            Download& d = *d_it->second;
            auto s_it = d.sources.find(link->second.source);
            if (s_it == d.sources.end()) return;
            handle_reply(d, s_it->second, frames, on_data);
        }
    }

    void handle_reply(Download& d, SourceState& s, zmq::multipart_t& frames, bool on_data) {
        if (frames.empty()) return;
        auto env = decode_envelope(frames[0].data(), frames[0].size());
        if (!env) return drop_source(d, s.id, "sent an undecodable message");
        if (on_data && env->kind() != Kind::PieceReply) return drop_source(d, s.id, "sent a request reply on its data port");
        if (env->kind() == Kind::HaveReply) {
            auto have = env->as<msg::HaveReply>();
            if (!have || have->file_id != d.meta.file_id) return drop_source(d, s.id, "sent a bad bitfield");
            auto bits = transfer::Bitfield::from_bytes(have->bitfield, d.meta.piece_hashes.size());
            if (!bits) return drop_source(d, s.id, "sent a bitfield of the wrong size");
            if (!s.known) {
                d.picker.add_peer(s.id, *bits);
                s.known = true;
            } else {
                bits->for_each_set([&](PieceIndex p) { d.picker.peer_gained(s.id, p); });
            }
            s.complete = bits->all();
            if (!have->sent.empty()) {
                auto sent = transfer::Bitfield::from_bytes(have->sent, d.meta.piece_hashes.size());
                if (!sent) return drop_source(d, s.id, "sent a bitfield of the wrong size");
                sent->for_each_set([&](PieceIndex p) { d.picker.mark_elsewhere(p); });
            }
            if (have->data_port != 0 && !config_.security.plain()) open_data_channel(d, s, have->data_port);
            update_problem(d);
            return fill_all(d);
        }
        if (env->kind() == Kind::Error) {
            auto err = env->as<msg::Error>();
            const std::string text = err ? err->text : "error";
            if (err && err->code == "no_piece") {
                // Raced with the source's own progress; ask again elsewhere.
                return;
            }
            d.cooling[s.endpoint] = SteadyClock::now() + kCooling;
            return drop_source(d, s.id, "refused: " + text);
        }
        if (env->kind() != Kind::PieceReply || frames.size() != 2) return drop_source(d, s.id, "sent an unexpected reply");
        auto reply = env->as<msg::PieceReply>();
        if (!reply || reply->file_id != d.meta.file_id) return drop_source(d, s.id, "sent a piece of another file");
        auto flight = s.in_flight.find(reply->index);
        if (flight == s.in_flight.end()) return;  // cancelled or timed out: dropped
        s.in_flight.erase(flight);
        s.timeouts = 0;
        const uint32_t index = reply->index;
        const std::string* seal_key = sealed_with(d, s, reply->nonce);
        if (!reply->nonce.empty() && seal_key == nullptr) return drop_source(d, s.id, "sent a piece sealed with no key of ours");
        if (on_data && seal_key == nullptr) return drop_source(d, s.id, "sent an unsealed piece on its data port");
        // An endgame loser: verified already, or its twin is at a worker now.
        if (d.picker.have(PieceIndex{index}) || d.at_workers.count(index)) return fill(d, s);
        const std::size_t length = files::piece_length(d.meta, index);
        if (frames[1].size() != length + (seal_key ? msg::kSealTagBytes : 0)) {
            d.picker.on_piece_failed(s.id, PieceIndex{index});
            d.banned[s.endpoint] = "wrong piece size";
            return drop_source(d, s.id, "sent a piece of the wrong size");
        }
        PieceJob job;
        job.stage = PieceStage::Hash;
        job.download = d.id;
        job.source = s.id;
        job.index = index;
        job.fd = d.fd;
        job.offset = uint64_t{index} * d.meta.piece_size;
        job.length = static_cast<uint32_t>(length);
        std::memcpy(job.hash, d.meta.piece_hashes[index].data(), 32);
        if (seal_key) {
            job.sealed = true;
            std::memcpy(job.seal_key, seal_key->data(), msg::kSealKeyBytes);
            std::memcpy(job.nonce, reply->nonce.data(), msg::kSealNonceBytes);
        }
        d.at_workers.insert(index);
        workers_.submit(job, std::move(frames[1]));
        fill(d, s);
    }

    // The key a sealed reply was sealed with: this link's, when the reply has
    // a nonce of the right size and the link has a key; nullptr otherwise
    // (an unsealed reply, or one that claims a seal we never asked for).
    const std::string* sealed_with(const Download& d, const SourceState& s, const std::string& nonce) const {
        if (nonce.size() != msg::kSealNonceBytes) return nullptr;
        auto link = links_.find(link_key(d.id, s.id));
        if (link == links_.end() || link->second.seal_key.size() != msg::kSealKeyBytes) return nullptr;
        return &link->second.seal_key;
    }

    // ---- workers ------------------------------------------------------------
    void handle_worker(std::size_t i) {
        PieceWorkers::Event ev;
        while (workers_.receive(i, ev)) {
            auto it = downloads_.find(ev.piece.job.download);
            if (it == downloads_.end()) continue;
            Download& d = *it->second;
            if (ev.piece.job.stage == PieceStage::Prove) {
                proved(d, ev.piece);
            } else if (ev.piece.outcome == PieceOutcome::Hashed && d.phase == DownloadPhase::Fetching && d.fd >= 0) {
                // Verified: on to the download's writer, still without a copy.
                PieceJob job = ev.piece.job;
                job.stage = PieceStage::Write;
                job.fd = d.fd;
                workers_.submit(job, std::move(ev.bytes));
            } else if (ev.piece.outcome != PieceOutcome::Hashed) {
                stored(d, ev.piece);
            } else {
                // Hashed for a download that stopped meanwhile: nothing to write.
                stored(d, PieceJobResult{ev.piece.job, PieceOutcome::Stored, 0}, false);
            }
        }
    }

    // written: false for a piece that left the workers without a write.
    void stored(Download& d, const PieceJobResult& result, bool written = true) {
        const PieceJob& r = result.job;
        d.at_workers.erase(r.index);
        if (d.check_pending && d.at_workers.empty()) start_check(d);
        if (d.phase != DownloadPhase::Fetching || !written) return;
        const PieceIndex piece{r.index};
        if (result.outcome == PieceOutcome::BadHash || result.outcome == PieceOutcome::BadSeal) {
            // A bad seal: the bytes were changed after the source sealed them,
            // or it sealed them wrongly; either way not a piece to keep.
            const std::string check = result.outcome == PieceOutcome::BadSeal ? "seal" : "hash";
            auto s = d.sources.find(r.source);
            if (s != d.sources.end()) {
                d.banned[s->second.endpoint] = "sent a piece that failed its " + check;
                notify("NOTE", {"download of " + d.meta.name + " in " + d.group + ": dropped source " + s->second.user +
                                "@" + s->second.endpoint + ", it sent piece " + std::to_string(r.index) +
                                " with a bad " + check});
                d.picker.on_piece_failed(r.source, piece);
                drop_source(d, r.source, "sent a piece that failed its " + check + " check");
            }
            return fill_all(d);
        }
        if (result.outcome == PieceOutcome::WriteFailed) {
            d.picker.on_piece_failed(r.source, piece);
            return fail(d, "cannot write " + d.part_path + ": " + std::strerror(result.error));
        }
        if (d.picker.have(piece)) return;
        for (auto other : d.picker.on_piece_verified(r.source, piece)) {
            auto s = d.sources.find(other);
            if (s != d.sources.end()) s->second.in_flight.erase(r.index);  // cancel the losers
        }
        ++d.pieces_fetched;
        server_.mark_have(d.group, d.meta.file_id, r.index);
        report_progress(d);
        d.resume_dirty = true;
        const auto now = SteadyClock::now();
        d.rate_samples.emplace_back(now, d.bytes_have());
        while (d.rate_samples.size() > 2 && now - d.rate_samples.front().first > 3s) d.rate_samples.erase(d.rate_samples.begin());
        if (d.picker.is_complete()) return finish(d);
        for (auto& [id, other] : downloads_) fill_all(*other);
    }

    // A notice at each quarter, so that users (and scenarios) see progress
    // without polling show_downloads.
    void report_progress(Download& d) {
        const auto n = d.meta.piece_hashes.size();
        const int quarter = static_cast<int>(4 * d.picker.num_have() / n);
        if (quarter <= d.reported_quarter || quarter >= 4) return;
        d.reported_quarter = quarter;
        notify("PROGRESS", {d.group, d.meta.name, std::to_string(quarter * 25)});
    }

    void finish(Download& d) {
        d.phase = DownloadPhase::Checking;
        d.fetched_at = SteadyClock::now();
        // Best effort: every piece is on disk, and a crash during the check
        // merely fetches again what an older record lacks.
        (void)save_resume(d);
        for (auto& [id, s] : std::map<uint32_t, SourceState>(d.sources)) drop_source(d, id, "");
        d.problem.clear();
        d.check_pending = true;
        if (d.at_workers.empty()) start_check(d);
    }

    void start_check(Download& d) {
        d.check_pending = false;
        checked(d, check_from_hashes(d));
    }

    // Every piece is proven: this process hashed it in memory and wrote it
    // from those same bytes, or read it back and hashed it (a record from an
    // earlier boot), or an earlier process of this same boot did the one or
    // the other, and the page cache keeps what a killed process wrote. So the
    // file's id follows from the verified piece hashes (file_id_check.hpp):
    // re-reading 1 GiB to hash it again cost ~0.4 s and proved nothing more.
    // Empty when the file matches.
    std::string check_from_hashes(const Download& d) {
        struct stat st {};
        if (::fstat(d.fd, &st) != 0) return "cannot stat " + d.part_path + ": " + std::strerror(errno);
        return file_id_check(d.meta, d.picker.is_complete(), static_cast<uint64_t>(st.st_size));
    }

    void checked(Download& d, const std::string& error) {
        if (!error.empty()) return fail(d, "whole-file check failed: " + error);
        std::error_code ec;
        if (std::filesystem::exists(d.final_path, ec)) {
            return fail(d, d.final_path + " appeared while downloading; the data stays in " + d.part_path);
        }
        std::filesystem::rename(d.part_path, d.final_path, ec);
        if (ec) return fail(d, "cannot rename " + d.part_path + ": " + ec.message());
        std::filesystem::remove(d.resume_path, ec);
        server_.serve_complete(d.group, d.final_path, d.meta);
        release_file(d);
        d.phase = DownloadPhase::Done;
        d.finished = SteadyClock::now();
        zmq::multipart_t out;
        out.addstr("ANNOUNCE");
        out.addstr(pack_body(Announce{d.group, d.meta, true}));
        out.send(pipe_);
        zmq::multipart_t done;
        done.addstr("DONE");
        done.addstr(pack_body(ServeFile{d.group, d.final_path, d.meta, boot_id_}));
        done.send(pipe_);
        publish(d, msg::process_event::kDownloadFinished);
    }

    void fail(Download& d, const std::string& why) {
        if (d.phase == DownloadPhase::Failed) return;
        d.phase = DownloadPhase::Failed;
        d.problem = why;
        for (auto& [id, s] : std::map<uint32_t, SourceState>(d.sources)) drop_source(d, id, "");
        server_.unserve(d.group, d.meta.file_id);
        release_file(d);
        notify("FAILED", {d.group, d.meta.name, why});
        publish(d, msg::process_event::kDownloadFailed, why);
    }

    void release_file(Download& d) {
        workers_.release(d.fd);
        d.fd = -1;
    }

    // ---- time -----------------------------------------------------------------
    void tick() {
        const auto now = SteadyClock::now();
        for (auto& [id, dp] : downloads_) {
            Download& d = *dp;
            if (d.phase != DownloadPhase::Fetching) continue;
            std::vector<uint32_t> silent;
            for (auto& [sid, s] : d.sources) {
                bool timed_out = false;
                for (auto it = s.in_flight.begin(); it != s.in_flight.end();) {
                    if (it->second <= now) {
                        d.picker.on_piece_failed(sid, PieceIndex{it->first});
                        it = s.in_flight.erase(it);
                        timed_out = true;
                    } else {
                        ++it;
                    }
                }
                if (timed_out && ++s.timeouts >= 2) silent.push_back(sid);
                // A partial source's bitfield grows, any source's sent set
                // grows, and a silent one may have lost our request.
                if (s.next_have_poll <= now) poll_have(d, s);
            }
            for (uint32_t sid : silent) {
                d.cooling[d.sources.at(sid).endpoint] = now + kCooling;
                drop_source(d, sid, "stopped answering");
            }
            if (d.resume_dirty && now - d.last_resume_save >= kResumeEvery && !save_resume_or_fail(d)) continue;
            update_problem(d);
            fill_all(d);
        }
    }

    void update_problem(Download& d) {
        if (d.phase != DownloadPhase::Fetching) return;
        StallFacts facts;
        facts.sources = d.sources.size();
        for (const auto& [id, s] : d.sources) {
            facts.known += s.known;
            facts.requesting |= !s.in_flight.empty();
        }
        facts.requesting |= d.picker.num_requested() > 0;
        facts.tracker_code = d.tracker_code;
        facts.tracker_text = d.tracker_text;
        d.problem = stall_reason(facts, d.problem);
    }

    void ask_for_sources() {
        for (auto& [id, d] : downloads_) {
            if (d->phase == DownloadPhase::Fetching) notify("NEED_SOURCES", {d->group, d->meta.name});
        }
    }

    void reset() {
        for (auto& [id, d] : downloads_) {
            // Logging out pauses; a record that cannot be saved now leaves
            // the older one, still true.
            if (d->phase == DownloadPhase::Fetching && d->resume_dirty) (void)save_resume(*d);
            release_file(*d);
        }
        for (auto& [key, link] : links_) forget_sockets(link);
        links_.clear();
        downloads_.clear();
        server_.unserve_all();
    }

    zmq::context_t& ctx_;
    EngineConfig config_;
    zmq::socket_t& pipe_;
    zmq::socket_t router_;
    std::unique_ptr<zmq::socket_t> data_router_;  // sealed pieces out; none in plain mode
    PieceServer server_;
    PieceWorkers workers_;
    actors::Loop loop_;
    actors::EventSink events_;  // disabled without --events
    std::mt19937 rng_;
    std::map<uint32_t, std::unique_ptr<Download>> downloads_;
    std::map<uint64_t, Link> links_;
    uint32_t next_download_ = 1;
    uint32_t next_source_ = 1;
    uint64_t next_rid_ = 1;
    uint64_t resume_version_ = 0;
    const std::string boot_id_ = files::current_boot_id();
};

}  // namespace

std::unique_ptr<actors::Actor> start_engine(zmq::context_t& ctx, const EngineConfig& config) {
    return std::make_unique<actors::Actor>(ctx, "transfer-engine", [&ctx, config](zmq::socket_t& pipe) {
        Engine engine(ctx, config, pipe);
        engine.run();
    });
}

}  // namespace p2p::node
