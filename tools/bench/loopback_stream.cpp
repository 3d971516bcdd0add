#include "loopback_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "support.hpp"

namespace bench {

namespace {
void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}
}  // namespace

LoopbackStream::LoopbackStream(const std::filesystem::path& src) {
    const auto fail = [this](const std::string& what) {
        const std::string reason = what + ": " + std::strerror(errno);
        close_fd(listener_);
        close_fd(file_);
        throw SetupError(reason);
    };
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
    if (::listen(listener_, 1) != 0) fail("listen");
    if (::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");
    file_ = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
    if (file_ < 0) fail("open " + src.string());
    size_ = ::lseek(file_, 0, SEEK_END);

    sender_ = std::thread([this, addr] {
        const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) return;
        if (::connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
            off_t offset = 0;
            while (offset < size_) {
                const ssize_t n = ::sendfile(s, file_, &offset, static_cast<std::size_t>(size_ - offset));
                if (n <= 0 && errno != EINTR) break;
            }
        }
        ::close(s);
    });
    conn_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn_ < 0) {
        sender_.join();
        fail("accept");
    }
}

LoopbackStream::~LoopbackStream() {
    // Closing the receiving end first unblocks a sender whose reader gave up.
    close_fd(conn_);
    if (sender_.joinable()) sender_.join();
    close_fd(listener_);
    close_fd(file_);
}

std::size_t recv_full(int fd, char* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::recv(fd, buf + got, n - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
    }
    return got;
}

}  // namespace bench
