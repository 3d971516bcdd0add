#include "tracker_client.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "messages/limits.hpp"

namespace bench {

namespace {

class ZmqConn final : public Conn {
public:
    ZmqConn(zmq::context_t& ctx, const std::string& endpoint) : socket_(ctx, zmq::socket_type::dealer) {
        socket_.set(zmq::sockopt::linger, 0);
        socket_.set(zmq::sockopt::maxmsgsize, p2p::limits::kControlFrameBytes);
        socket_.connect(endpoint);
        fd_ = socket_.get(zmq::sockopt::fd);
    }

    bool send(const char* data, std::size_t size) override {
        try {
            if (socket_.send(zmq::const_buffer(data, size), zmq::send_flags::dontwait)) return true;
            error_ = "ZeroMQ would block";
        } catch (const zmq::error_t& e) {
            error_ = e.what();
        }
        return false;
    }

    int wait_fd() override { return fd_; }

    // ZMQ_FD is readable while the socket's mailbox holds commands (a new
    // message, among others). A recv that returns EAGAIN has processed every
    // pending command, so ending each receive() with one — after any send
    // the handler made — leaves the fd readable exactly when something new
    // arrives: level-triggered epoll then misses nothing.
    bool receive(const MessageHandler& on_message) override {
        try {
            while (socket_.recv(frame_, zmq::recv_flags::dontwait)) {
                // Events of the session come as [topic][event]; replies are
                // single frames. Skip every part of a multi-part message.
                const bool part = frame_.more() || in_multipart_;
                in_multipart_ = frame_.more();
                if (!part) on_message(static_cast<const char*>(frame_.data()), frame_.size());
            }
            return true;
        } catch (const zmq::error_t& e) {
            error_ = e.what();
            return false;
        }
    }

    std::string error() const override { return error_; }

private:
    zmq::socket_t socket_;
    zmq::message_t frame_;
    bool in_multipart_ = false;
    int fd_ = -1;
    std::string error_;
};

class ZmtpConn final : public Conn {
public:
    ZmtpConn(const std::string& host, uint16_t port) : dealer_(host, port, std::chrono::seconds(10)) {}
    bool send(const char* data, std::size_t size) override { return dealer_.send(data, size); }
    int wait_fd() override { return dealer_.fd(); }
    bool receive(const MessageHandler& on_message) override { return dealer_.receive(on_message); }
    std::string error() const override { return dealer_.error(); }

private:
    ZmtpDealer dealer_;
};

// A msgpack non-negative integer at p (advancing it), or false.
bool read_uint(const uint8_t*& p, const uint8_t* end, uint64_t* out) {
    if (p >= end) return false;
    const uint8_t tag = *p++;
    if (tag <= 0x7f) {
        *out = tag;
        return true;
    }
    int bytes = 0;
    bool is_signed = false;
    switch (tag) {
        case 0xcc: bytes = 1; break;
        case 0xcd: bytes = 2; break;
        case 0xce: bytes = 4; break;
        case 0xcf: bytes = 8; break;
        case 0xd0: bytes = 1; is_signed = true; break;
        case 0xd1: bytes = 2; is_signed = true; break;
        case 0xd2: bytes = 4; is_signed = true; break;
        case 0xd3: bytes = 8; is_signed = true; break;
        default: return false;
    }
    if (end - p < bytes) return false;
    if (is_signed && (*p & 0x80)) return false;  // negative
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | *p++;
    *out = v;
    return true;
}

}  // namespace

std::unique_ptr<Conn> connect_tracker(ClientKind kind, zmq::context_t& ctx, const std::string& host, uint16_t port) {
    if (kind == ClientKind::zmtp) return std::make_unique<ZmtpConn>(host, port);
    return std::make_unique<ZmqConn>(ctx, "tcp://" + host + ":" + std::to_string(port));
}

bool peek_reply(const void* data, std::size_t size, p2p::Kind* kind, uint64_t* request_id) {
    const auto* p = static_cast<const uint8_t*>(data);
    const auto* end = p + size;
    if (size < 4 || *p++ != 0x93) return false;  // fixarray of 3
    uint64_t k = 0;
    if (!read_uint(p, end, &k) || k > 0xffff) return false;
    if (!read_uint(p, end, request_id)) return false;
    *kind = static_cast<p2p::Kind>(k);
    return true;
}

std::string describe_reply(const void* data, std::size_t size) {
    auto env = p2p::decode_envelope(data, size);
    if (!env) return "undecodable reply (" + env.error() + ")";
    if (env->kind() == p2p::Kind::Error) {
        auto err = env->as<p2p::msg::Error>();
        if (err) return "Error " + err->code + ": " + err->text;
    }
    return std::string(p2p::kind_name(env->kind()));
}

std::vector<p2p::Envelope> await_replies(std::vector<Client>& clients, std::size_t first,
                                         const std::vector<uint64_t>& rids, p2p::Kind want, const std::string& what,
                                         std::chrono::milliseconds timeout) {
    const std::size_t count = rids.size();
    std::vector<std::optional<p2p::Envelope>> got(count);
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) throw SetupError(std::string("epoll_create1: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{ep};
    for (std::size_t i = 0; i < count; ++i) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (::epoll_ctl(ep, EPOLL_CTL_ADD, clients[first + i].conn->wait_fd(), &ev) != 0) {
            throw SetupError(std::string("epoll_ctl: ") + std::strerror(errno));
        }
    }
    std::size_t missing = count;
    std::string problem;
    auto take = [&](std::size_t i) {
        Client& c = clients[first + i];
        const bool alive = c.conn->receive([&](const char* data, std::size_t size) {
            auto env = p2p::decode_envelope(data, size);
            if (!env || env->request_id() != rids[i] || got[i]) return;  // stale or garbage
            if (env->kind() != want && problem.empty()) {
                problem = what + " (connection " + std::to_string(first + i) + "): expected " +
                          std::string(p2p::kind_name(want)) + ", got " + describe_reply(data, size);
            }
            got[i] = std::move(env).value();
            --missing;
        });
        if (!alive && problem.empty()) problem = what + " (connection " + std::to_string(first + i) + "): " + c.conn->error();
    };
    for (std::size_t i = 0; i < count; ++i) take(i);  // sends may have taken a ZMQ_FD signal
    const auto deadline = Clock::now() + timeout;
    std::vector<epoll_event> events(count);
    while (missing > 0 && problem.empty()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            throw SetupError(what + ": " + std::to_string(missing) + " of " + std::to_string(count) +
                             " replies missing after " + std::to_string(timeout.count() / 1000) + " s");
        }
        const int n = ::epoll_wait(ep, events.data(), static_cast<int>(count), static_cast<int>(left));
        for (int k = 0; k < n; ++k) take(events[static_cast<std::size_t>(k)].data.u64);
    }
    if (!problem.empty()) throw SetupError(problem);
    std::vector<p2p::Envelope> out;
    out.reserve(count);
    for (auto& g : got) out.push_back(std::move(*g));
    return out;
}

}  // namespace bench
