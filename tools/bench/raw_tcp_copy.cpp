#include "raw_tcp_copy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "support.hpp"

namespace bench {

namespace {
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};
[[noreturn]] void fail(const std::string& what) { throw SetupError(what + ": " + std::strerror(errno)); }
}  // namespace

double raw_tcp_copy(const std::filesystem::path& src, const std::filesystem::path& dst) {
    Fd listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (listener.fd < 0) fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
    if (::listen(listener.fd, 1) != 0) fail("listen");
    if (::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");

    Fd in{::open(src.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) fail("open " + src.string());
    const off_t size = ::lseek(in.fd, 0, SEEK_END);
    Fd out{::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (out.fd < 0) fail("open " + dst.string());

    const auto start = Clock::now();
    std::thread sender([&] {
        Fd s{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
        if (::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
        off_t offset = 0;
        while (offset < size) {
            const ssize_t n = ::sendfile(s.fd, in.fd, &offset, static_cast<std::size_t>(size - offset));
            if (n <= 0 && errno != EINTR) return;
        }
    });
    Fd conn{::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)};
    if (conn.fd < 0) {
        sender.join();
        fail("accept");
    }
    std::vector<char> buf(1 << 20);
    off_t got = 0;
    while (got < size) {
        const ssize_t n = ::recv(conn.fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::size_t done = 0;
        while (done < static_cast<std::size_t>(n)) {
            const ssize_t w = ::write(out.fd, buf.data() + done, static_cast<std::size_t>(n) - done);
            if (w <= 0) {
                sender.join();
                fail("write " + dst.string());
            }
            done += static_cast<std::size_t>(w);
        }
        got += n;
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    sender.join();
    if (got != size) throw SetupError("raw TCP copy received " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    return secs;
}

}  // namespace bench
