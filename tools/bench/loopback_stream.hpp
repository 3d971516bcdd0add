#pragma once
// One loopback TCP connection with a file flowing into it by sendfile(2)
// from a thread of its own: the sending half of the bench's reference
// copies (raw_tcp_copy.hpp), which differ only in what the receiver does.
#include <sys/types.h>

#include <filesystem>
#include <thread>

namespace bench {

class LoopbackStream {
public:
    // Opens src and starts sending all of it; throws SetupError.
    explicit LoopbackStream(const std::filesystem::path& src);
    ~LoopbackStream();  // waits for the sender
    LoopbackStream(const LoopbackStream&) = delete;
    LoopbackStream& operator=(const LoopbackStream&) = delete;

    int fd() const { return conn_; }  // the receiving end
    off_t size() const { return size_; }

private:
    int listener_ = -1, file_ = -1, conn_ = -1;
    off_t size_ = 0;
    std::thread sender_;
};

// Reads exactly n bytes unless the stream ends or fails first; returns what it read.
std::size_t recv_full(int fd, char* buf, std::size_t n);

}  // namespace bench
