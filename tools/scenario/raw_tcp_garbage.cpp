#include "raw_tcp_garbage.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace scenario {
namespace {

constexpr int connect_timeout_ms = 2000;
constexpr int send_timeout_ms = 2000;

// The 10-byte ZMTP 3 signature, then version 3.0: gets past a ZeroMQ
// listener's first check so that later bytes reach its deeper parsing.
std::string zmtp_greeting(const char* mechanism) {
  std::string greeting("\xff\0\0\0\0\0\0\0\0\x7f\x03\x00", 12);
  std::string mechanism_field(20, '\0');
  mechanism_field.replace(0, std::strlen(mechanism), mechanism);
  greeting += mechanism_field;
  greeting += '\0';              // as-server
  greeting += std::string(31, '\0');  // filler
  return greeting;
}

std::string big_endian(std::uint64_t value, int bytes) {
  std::string encoded;
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) encoded += static_cast<char>((value >> shift) & 0xff);
  return encoded;
}

class Connection {
 public:
  explicit Connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
      error_ = errno;
      return;
    }
    pollfd writable{fd_, POLLOUT, 0};
    if (::poll(&writable, 1, connect_timeout_ms) != 1) {
      error_ = ETIMEDOUT;
      return;
    }
    socklen_t length = sizeof error_;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error_, &length);
    if (error_ != 0) return;
    connected_ = true;
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    const timeval timeout{send_timeout_ms / 1000, (send_timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool connected() const { return connected_; }
  int error() const { return error_; }

  // Bytes the kernel took before the peer hung up or the timeout hit.
  std::size_t send_all(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        break;
      }
    }
    return sent;
  }

  void reset_on_close() {
    const linger abort_on_close{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  }

 private:
  int fd_ = -1;
  int error_ = 0;
  bool connected_ = false;
};

}  // namespace

std::vector<RawPayload> hostile_tcp_payloads(RandomEngine& engine) {
  const std::string all_ones_length = big_endian(~0ULL, 8);
  return {
      {random_string(engine, 1024), false},
      {random_string(engine, 256 * 1024), false},
      {big_endian(0xffffffff, 4) + all_ones_length + random_string(engine, 64), false},
      // A well-formed NULL greeting, then a frame header claiming 2^63-1 bytes.
      {zmtp_greeting("NULL") + "\x02" + big_endian(0x7fffffffffffffffULL, 8) + random_string(engine, 1024), false},
      {zmtp_greeting("CURVE") + random_string(engine, 512), false},
      {zmtp_greeting("NOSUCHMECHANISM") + random_string(engine, 64), true},
      {zmtp_greeting("NULL").substr(0, 10), true},
      {std::string("\xff") + all_ones_length + "\x7f", false},
      {random_string(engine, 1), true},
      {std::string(), false},
  };
}

void send_raw_tcp_garbage(std::uint16_t port, const std::vector<RawPayload>& payloads, GarbageTally& tally) {
  for (const RawPayload& payload : payloads) {
    Connection connection(port);
    if (!connection.connected()) {
      tally.problems.push_back("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                               std::strerror(connection.error()));
      return;  // the rest would fail the same way
    }
    ++tally.connections;
    tally.bytes_sent += connection.send_all(payload.bytes);
    if (payload.reset_on_close) connection.reset_on_close();
  }
}

}  // namespace scenario
