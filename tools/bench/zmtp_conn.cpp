#include "zmtp_conn.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "messages/limits.hpp"
#include "support.hpp"

namespace bench {

namespace {

constexpr uint8_t kMore = 0x01;
constexpr uint8_t kLong = 0x02;
constexpr uint8_t kCommand = 0x04;
constexpr std::size_t kGreetingSize = 64;

void put_u32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_u64(std::string& out, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t get_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
    return v;
}

void put_frame_header(std::string& out, uint8_t flags, std::size_t size) {
    if (size > 255) {
        out.push_back(static_cast<char>(flags | kLong));
        put_u64(out, size);
    } else {
        out.push_back(static_cast<char>(flags));
        out.push_back(static_cast<char>(size));
    }
}

std::string greeting() {
    std::string g(kGreetingSize, '\0');
    g[0] = static_cast<char>(0xff);
    g[8] = 1;  // padding: as libzmq, the length of an empty ZMTP 1.0 identity + 1
    g[9] = 0x7f;
    g[10] = 3;  // version 3.0
    g[11] = 0;
    std::memcpy(&g[12], "NULL", 4);  // mechanism, zero-padded to 20 bytes; as-server = 0
    return g;
}

std::string ready_command() {
    std::string body;
    body.push_back(5);
    body += "READY";
    auto property = [&](std::string_view name, std::string_view value) {
        body.push_back(static_cast<char>(name.size()));
        body += name;
        put_u32(body, static_cast<uint32_t>(value.size()));
        body += value;
    };
    property("Socket-Type", "DEALER");
    property("Identity", "");
    std::string frame;
    put_frame_header(frame, kCommand, body.size());
    return frame + body;
}

}  // namespace

ZmtpDealer::ZmtpDealer(const std::string& host, uint16_t port, std::chrono::milliseconds timeout)
    : in_(64 * 1024) {
    const auto deadline = Clock::now() + timeout;
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw SetupError(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        ::close(fd_);
        throw SetupError("not an IPv4 address: " + host);
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd_);
        throw SetupError("cannot connect to " + host + ":" + std::to_string(port) + ": " + why);
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);

    const std::string hello = greeting() + ready_command();
    if (!write_all(hello.data(), hello.size())) {
        ::close(fd_);
        throw SetupError("ZMTP handshake with " + host + ":" + std::to_string(port) + ": " + error_);
    }
    // The peer's greeting, then its READY (or ERROR) command.
    bool greeted = false;
    bool ready = false;
    auto fail = [&](const std::string& why) {
        ::close(fd_);
        fd_ = -1;
        throw SetupError("ZMTP handshake with " + host + ":" + std::to_string(port) + ": " + why);
    };
    while (!ready) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) fail("no answer");
        pollfd p{fd_, POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(left));
        const ssize_t n = ::recv(fd_, in_.data() + end_, in_.size() - end_, 0);
        if (n == 0) fail("the peer closed the connection");
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            fail(std::strerror(errno));
        }
        end_ += static_cast<std::size_t>(n);
        if (!greeted) {
            if (end_ < kGreetingSize) continue;
            const auto* g = reinterpret_cast<const uint8_t*>(in_.data());
            if (g[0] != 0xff || !(g[9] & 1) || g[10] < 3) fail("the peer does not speak ZMTP 3");
            if (std::memcmp(in_.data() + 12, "NULL", 5) != 0) fail("the peer wants a security mechanism");
            begin_ = kGreetingSize;
            greeted = true;
        }
        const std::size_t avail = end_ - begin_;
        if (avail < 2) continue;
        const auto flags = static_cast<uint8_t>(in_[begin_]);
        if (!(flags & kCommand)) fail("a message before READY");
        const std::size_t header = (flags & kLong) ? 9 : 2;
        if (avail < header) continue;
        const std::size_t size =
            (flags & kLong) ? get_u64(in_.data() + begin_ + 1) : static_cast<uint8_t>(in_[begin_ + 1]);
        if (size > 4096) fail("an oversized handshake command");
        if (avail < header + size) continue;
        const char* body = in_.data() + begin_ + header;
        if (size >= 6 && std::memcmp(body, "\x05READY", 6) == 0) {
            ready = true;
        } else if (size >= 6 && std::memcmp(body, "\x05" "ERROR", 6) == 0) {
            const std::size_t len = size > 6 ? static_cast<uint8_t>(body[6]) : 0;
            fail("the peer refused: " + std::string(body + 7, std::min(len, size > 7 ? size - 7 : 0)));
        } else {
            fail("unexpected handshake command");
        }
        begin_ += header + size;
    }
}

ZmtpDealer::~ZmtpDealer() {
    if (fd_ >= 0) ::close(fd_);
}

bool ZmtpDealer::write_all(const char* data, std::size_t size) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (size > 0) {
        const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) {
            error_ = std::strerror(errno);
            return false;
        }
        // The kernel's send buffer is full: a closed loop of small requests
        // never gets here, but wait rather than drop.
        if (Clock::now() > deadline) {
            error_ = "the peer stopped reading";
            return false;
        }
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, 100);
    }
    return true;
}

bool ZmtpDealer::send(const char* data, std::size_t size) {
    out_.clear();
    put_frame_header(out_, 0, size);
    out_.append(data, size);
    return write_all(out_.data(), out_.size());
}

bool ZmtpDealer::on_command(const char* body, std::size_t size) {
    // PING [ttl:2][context] -> PONG [context] (ZMTP 3.1 heartbeats, should a
    // peer send them); ERROR ends the connection; anything else is ignored.
    if (size >= 5 && std::memcmp(body, "\x04PING", 5) == 0) {
        std::string pong = "\x04PONG";
        if (size > 7) pong.append(body + 7, size - 7);
        std::string frame;
        put_frame_header(frame, kCommand, pong.size());
        frame += pong;
        return write_all(frame.data(), frame.size());
    }
    if (size >= 6 && std::memcmp(body, "\x05" "ERROR", 6) == 0) {
        error_ = "the peer sent ERROR";
        return false;
    }
    return true;
}

bool ZmtpDealer::parse(const std::function<void(const char*, std::size_t)>& on_message) {
    for (;;) {
        const std::size_t avail = end_ - begin_;
        if (avail < 2) break;
        const char* p = in_.data() + begin_;
        const auto flags = static_cast<uint8_t>(p[0]);
        const std::size_t header = (flags & kLong) ? 9 : 2;
        if (avail < header) break;
        const uint64_t size = (flags & kLong) ? get_u64(p + 1) : static_cast<uint8_t>(p[1]);
        if (size > static_cast<uint64_t>(p2p::limits::kControlFrameBytes)) {
            error_ = "a frame of " + std::to_string(size) + " bytes";
            return false;
        }
        if (avail < header + size) {
            // Make room for the whole frame at the front of the buffer.
            if (header + size > in_.size()) in_.resize(header + size);
            break;
        }
        if (flags & kCommand) {
            if (!on_command(p + header, size)) return false;
        } else if (!(flags & kMore) && !in_multipart_) {
            on_message(p + header, size);
        }
        // Events of the session come as [topic][event], replies as single
        // frames: every part of a multi-part message is skipped.
        if (!(flags & kCommand)) in_multipart_ = (flags & kMore) != 0;
        begin_ += header + size;
    }
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (begin_ > 0 && in_.size() - end_ < 4096) {
        std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    return true;
}

bool ZmtpDealer::receive(const std::function<void(const char*, std::size_t)>& on_message) {
    for (;;) {
        if (end_ == in_.size()) {
            if (begin_ > 0) {
                std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
                end_ -= begin_;
                begin_ = 0;
            } else {
                in_.resize(in_.size() * 2);
            }
        }
        const ssize_t n = ::recv(fd_, in_.data() + end_, in_.size() - end_, 0);
        if (n > 0) {
            end_ += static_cast<std::size_t>(n);
            if (!parse(on_message)) return false;
            if (end_ < in_.size()) return true;  // a short read: nothing more waiting
            continue;
        }
        if (n == 0) {
            error_ = "the tracker closed the connection";
            return false;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return true;
        error_ = std::strerror(errno);
        return false;
    }
}

}  // namespace bench
