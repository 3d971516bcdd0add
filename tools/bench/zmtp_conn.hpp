#pragma once
// A DEALER spoken directly over a TCP socket (ZMTP 3.0, NULL mechanism; see
// rfc.zeromq.org/spec/23), for load generation. A libzmq DEALER hands every
// message to a background I/O thread and back: two thread wake-ups and about
// ten syscalls per request, which on a 2-core machine takes CPU away from the
// tracker being measured. Here a request is one send() and a burst of replies
// one recv(). Single-frame messages only, which is all the tracker RPC uses
// (a session's events, [topic][event], are skipped).
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

class ZmtpDealer {
public:
    // Connects to host:port and completes the handshake (blocking, at most
    // `timeout`); throws SetupError. The socket is non-blocking afterwards.
    ZmtpDealer(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);
    ~ZmtpDealer();
    ZmtpDealer(const ZmtpDealer&) = delete;
    ZmtpDealer& operator=(const ZmtpDealer&) = delete;

    int fd() const { return fd_; }

    // Sends one single-frame message; false when the connection is gone.
    bool send(const char* data, std::size_t size);

    // Reads what has arrived, without blocking, and calls on_message for
    // every complete message. False when the peer closed the connection or
    // broke the protocol (error() says why).
    bool receive(const std::function<void(const char*, std::size_t)>& on_message);
    const std::string& error() const { return error_; }

private:
    bool write_all(const char* data, std::size_t size);
    // Parses complete frames in in_; false on a protocol error.
    bool parse(const std::function<void(const char*, std::size_t)>& on_message);
    bool on_command(const char* body, std::size_t size);

    int fd_ = -1;
    std::vector<char> in_;
    std::size_t begin_ = 0;  // unparsed bytes are in_[begin_, end_)
    std::size_t end_ = 0;
    bool in_multipart_ = false;  // inside a multi-part message (an event): skip to its last part
    std::string out_;  // frame header + payload, reused
    std::string error_;
};

}  // namespace bench
