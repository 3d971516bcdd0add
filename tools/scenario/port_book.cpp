#include "port_book.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace scenario {
namespace {

std::uint16_t ask_kernel_for_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "picking a free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

std::uint16_t LoopbackPortPicker::pick() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint16_t port = ask_kernel_for_free_port();
    if (handed_out_.insert(port).second) return port;
  }
  throw std::system_error(EADDRINUSE, std::generic_category(), "no fresh free port on 127.0.0.1");
}

}  // namespace scenario
