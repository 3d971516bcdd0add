#include "node/engine/piece_server.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "messages/envelope.hpp"
#include "messages/peer_protocol.hpp"
#include "messages/piece_seal.hpp"
#include "messages/random_id.hpp"
#include "messages/ticket.hpp"
#include "messages/tracker_protocol.hpp"

namespace p2p::node {

namespace {
uint64_t unix_now() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}
}  // namespace

PieceServer::~PieceServer() { unserve_all(); }

std::string PieceServer::serve_complete(const std::string& group, const std::string& path,
                                        const files::FileMeta& meta) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
    // A finished download keeps its count of pieces served while partial,
    // and which pieces it sent.
    uint64_t served = 0;
    transfer::Bitfield sent(0);
    if (auto it = files_.find(key(group, meta.file_id)); it != files_.end()) {
        served = it->second.pieces_served;
        sent = it->second.sent;
    }
    unserve(group, meta.file_id);
    ServedFile f{group, path, meta, fd, true, transfer::Bitfield(meta.piece_hashes.size()), served};
    f.have.set_all();
    f.sent = std::move(sent);
    files_.emplace(key(group, meta.file_id), std::move(f));
    return {};
}

void PieceServer::serve_partial(const std::string& group, const std::string& path, const files::FileMeta& meta,
                                int fd, const transfer::Bitfield& have) {
    unserve(group, meta.file_id);
    files_.emplace(key(group, meta.file_id), ServedFile{group, path, meta, fd, false, have, 0});
}

void PieceServer::mark_have(const std::string& group, const std::string& file_id, uint32_t index) {
    auto it = files_.find(key(group, file_id));
    if (it != files_.end() && index < it->second.have.size()) it->second.have.set(transfer::PieceIndex{index});
}

void PieceServer::unserve(const std::string& group, const std::string& file_id) {
    auto it = files_.find(key(group, file_id));
    if (it == files_.end()) return;
    if (it->second.owns_fd) ::close(it->second.fd);
    files_.erase(it);
}

void PieceServer::unserve_all() {
    for (auto& [id, f] : files_) {
        if (f.owns_fd) ::close(f.fd);
    }
    files_.clear();
}

std::vector<std::string> PieceServer::upload_lines() const {
    std::vector<std::string> lines;
    for (const auto& [id, f] : files_) {
        lines.push_back("[S] [" + f.group + "] " + f.meta.name + " served=" + std::to_string(f.pieces_served) +
                        " pieces (sealed " + std::to_string(f.pieces_sealed) + ") have=" +
                        std::to_string(f.have.count()) + "/" + std::to_string(f.have.size()));
    }
    return lines;
}

void PieceServer::handle_router() {
    // Bounded so that serving cannot starve the downloads on the same thread.
    for (int i = 0; i < 64; ++i) {
        zmq::multipart_t frames;
        if (!frames.recv(router_, static_cast<int>(zmq::recv_flags::dontwait))) return;
        if (frames.size() != 2) {
            ++malformed_;
            continue;
        }
        requester_key_ = actors::peer_key(frames[1]);
        handle_request(frames[0].to_string(), frames[1]);
    }
}

void PieceServer::discard_data_router_input() {
    if (data_router_ == nullptr) return;
    for (int i = 0; i < 64; ++i) {
        zmq::multipart_t frames;
        if (!frames.recv(*data_router_, static_cast<int>(zmq::recv_flags::dontwait))) return;
        ++malformed_;
    }
}

void PieceServer::reply_error(const std::string& rid, uint64_t request_id, const std::string& code,
                              const std::string& text) {
    zmq::multipart_t out;
    out.addstr(rid);
    out.addstr(encode(request_id, msg::Error{code, text}));
    out.send(router_, static_cast<int>(zmq::send_flags::dontwait));
}

bool PieceServer::ticket_ok(const std::string& rid, uint64_t request_id, const msg::Ticket& ticket) {
    const uint64_t now = unix_now();
    auto it = files_.find(key(ticket.group, ticket.file_id));
    if (it == files_.end()) {
        reply_error(rid, request_id, "not_served", "this node does not serve that file in that group");
        return false;
    }
    if (revoked_.count(ticket.group + '\n' + ticket.user)) {
        reply_error(rid, request_id, "bad_ticket", ticket.user + " is no longer a member of " + ticket.group);
        return false;
    }
    // A ticket names the node it was issued to: a copy in other hands is useless.
    if (!requester_key_.empty() && ticket.holder != requester_key_) {
        reply_error(rid, request_id, "bad_ticket", "this ticket was issued to another node");
        return false;
    }
    auto known = good_signatures_.find(ticket.signature);
    if (known != good_signatures_.end() && known->second >= now) return true;
    auto valid = check_ticket(ticket_key_, ticket, ticket.file_id, now);
    if (!valid) {
        reply_error(rid, request_id, "bad_ticket", valid.error());
        return false;
    }
    if (good_signatures_.size() > 10000) good_signatures_.clear();
    good_signatures_[ticket.signature] = ticket.expires;
    return true;
}

void PieceServer::handle_request(const std::string& rid, const zmq::message_t& frame) {
    auto env = decode_envelope(frame.data(), frame.size());
    if (!env) {
        ++malformed_;
        reply_error(rid, 0, "malformed", env.error());
        return;
    }
    const uint64_t req = env->request_id();
    if (env->kind() == Kind::HaveRequest) {
        auto m = env->as<msg::HaveRequest>();
        if (!m) {
            ++malformed_;
            return reply_error(rid, req, "malformed", m.error());
        }
        if (!ticket_ok(rid, req, m->ticket)) return;
        const ServedFile& f = files_.at(key(m->ticket.group, m->ticket.file_id));
        zmq::multipart_t out;
        out.addstr(rid);
        const bool sent_any = f.sent.size() == f.have.size() && !f.sent.none();
        out.addstr(encode(req, msg::HaveReply{f.meta.file_id, f.have.to_bytes(), data_port_,
                                              sent_any ? f.sent.to_bytes() : std::string()}));
        out.send(router_, static_cast<int>(zmq::send_flags::dontwait));
        return;
    }
    if (env->kind() != Kind::PieceRequest) {
        ++malformed_;
        return reply_error(rid, req, "unexpected", std::string(kind_name(env->kind())) + " is not a peer request");
    }
    auto m = env->as<msg::PieceRequest>();
    if (!m) {
        ++malformed_;
        return reply_error(rid, req, "malformed", m.error());
    }
    if (!m->seal_key.empty() && m->seal_key.size() != msg::kSealKeyBytes) {
        ++malformed_;
        return reply_error(rid, req, "malformed", "a seal key must be " + std::to_string(msg::kSealKeyBytes) + " bytes");
    }
    if (!ticket_ok(rid, req, m->ticket)) return;
    // Sealing needs a key that came over CURVE: in plain mode it would have
    // crossed the wire in the clear, so the request is answered unsealed.
    const bool sealed = !m->seal_key.empty() && data_router_ != nullptr;
    QueuedPiece q{rid, req, key(m->ticket.group, m->ticket.file_id), m->index, sealed ? m->channel : std::string(),
                  sealed ? m->seal_key : std::string()};
    if (!queue_.empty() || !budget_allows(files::piece_length(files_.at(q.file_key).meta, q.index))) {
        auto& mine = queue_[rid];
        if (mine.empty()) turn_.push_back(rid);
        mine.push_back(std::move(q));
        return;
    }
    send_piece(q);
}

bool PieceServer::budget_allows(uint32_t bytes) {
    if (limit_ == 0) return true;
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - budget_time_).count();
    budget_time_ = now;
    // At most a quarter second of credit: a cap, not a burst allowance.
    budget_ = std::min(budget_ + secs * static_cast<double>(limit_), static_cast<double>(limit_) / 4 + bytes);
    if (budget_ < bytes) return false;
    budget_ -= bytes;
    return true;
}

void PieceServer::drain() {
    while (!turn_.empty()) {
        const std::string rid = turn_.front();
        auto& mine = queue_[rid];
        const QueuedPiece& q = mine.front();
        auto it = files_.find(q.file_key);
        if (it != files_.end() && !budget_allows(files::piece_length(it->second.meta, q.index))) return;
        if (it != files_.end()) send_piece(q);
        mine.pop_front();
        turn_.pop_front();
        if (mine.empty()) {
            queue_.erase(rid);
        } else {
            turn_.push_back(rid);
        }
    }
}

void PieceServer::send_piece(const QueuedPiece& q) {
    auto it = files_.find(q.file_key);
    if (it == files_.end()) return reply_error(q.rid, q.request_id, "not_served", "this node stopped serving that file");
    ServedFile& f = it->second;
    const std::string& rid = q.rid;
    const uint64_t req = q.request_id;
    if (q.index >= f.have.size() || !f.have.test(transfer::PieceIndex{q.index})) {
        return reply_error(rid, req, "no_piece", "piece " + std::to_string(q.index) + " is not here");
    }
    const uint32_t len = files::piece_length(f.meta, q.index);
    const bool sealed = !q.seal_key.empty();
    zmq::message_t bytes(len + (sealed ? msg::kSealTagBytes : 0));
    std::size_t done = 0;
    while (done < len) {
        const ssize_t n = ::pread(f.fd, static_cast<char*>(bytes.data()) + done, len - done,
                                  static_cast<off_t>(uint64_t{q.index} * f.meta.piece_size + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            return reply_error(rid, req, "read_failed",
                               "cannot read piece " + std::to_string(q.index) + ": " +
                                   (n < 0 ? std::strerror(errno) : "file is shorter than shared"));
        }
        done += static_cast<std::size_t>(n);
    }
    msg::PieceReply reply{f.meta.file_id, q.index, {}};
    if (sealed) {
        reply.nonce = random_bytes(msg::kSealNonceBytes);
        const msg::SealParams p{reinterpret_cast<const unsigned char*>(q.seal_key.data()),
                                reinterpret_cast<const unsigned char*>(reply.nonce.data()), q.index,
                                reinterpret_cast<const unsigned char*>(f.meta.piece_hashes[q.index].data())};
        if (!msg::seal_piece(p, static_cast<unsigned char*>(bytes.data()), len)) {
            return reply_error(rid, req, "seal_failed", "cannot seal piece " + std::to_string(q.index));
        }
        ++f.pieces_sealed;
    }
    ++f.pieces_served;
    if (f.sent.size() != f.have.size()) f.sent = transfer::Bitfield(f.have.size());
    f.sent.set(transfer::PieceIndex{q.index});
    const std::string header = encode(req, reply);
    if (!q.channel.empty() && send_on_channel(q.channel, header, bytes)) return;
    router_.send(zmq::buffer(rid), zmq::send_flags::sndmore);
    router_.send(zmq::buffer(header), zmq::send_flags::sndmore);
    router_.send(bytes, zmq::send_flags::none);
}

bool PieceServer::send_on_channel(const std::string& channel, const std::string& header, zmq::message_t& bytes) {
    // ROUTER_MANDATORY: a channel that is not connected (yet, or any more) or
    // whose queue is full refuses the routing frame, and nothing is sent; the
    // caller then answers on the CURVE connection instead.
    try {
        if (!data_router_->send(zmq::buffer(channel), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
            return false;
        }
    } catch (const zmq::error_t&) {
        return false;  // EHOSTUNREACH: no such channel
    }
    data_router_->send(zmq::buffer(header), zmq::send_flags::sndmore);
    data_router_->send(bytes, zmq::send_flags::none);
    return true;
}

}  // namespace p2p::node
