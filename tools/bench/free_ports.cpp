#include "free_ports.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include "support.hpp"

namespace bench {

std::vector<uint16_t> pick_free_loopback_ports(std::size_t count) {
    std::vector<int> fds;
    std::vector<uint16_t> ports;
    std::string failure;
    for (std::size_t i = 0; i < count && failure.empty(); ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            failure = std::strerror(errno);
            break;
        }
        fds.push_back(fd);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            failure = std::strerror(errno);
            break;
        }
        ports.push_back(ntohs(addr.sin_port));
    }
    for (int fd : fds) ::close(fd);
    if (!failure.empty()) throw SetupError("cannot pick a free port on 127.0.0.1: " + failure);
    return ports;
}

}  // namespace bench
