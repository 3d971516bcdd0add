#include "raw_tcp_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "loopback_stream.hpp"
#include "support.hpp"

namespace bench {

double raw_tcp_copy(const std::filesystem::path& src, const std::filesystem::path& dst) {
    const int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) throw SetupError("open " + dst.string() + ": " + std::strerror(errno));
    const auto start = Clock::now();
    off_t got = 0, size = 0;
    bool written = true;
    {
        LoopbackStream stream(src);
        size = stream.size();
        std::vector<char> buf(1 << 20);
        while (got < size && written) {
            const std::size_t n = recv_full(stream.fd(), buf.data(), buf.size());
            if (n == 0) break;
            written = ::write(out, buf.data(), n) == static_cast<ssize_t>(n);
            got += static_cast<off_t>(n);
        }
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(out);
    if (!written) throw SetupError("write " + dst.string() + " failed");
    if (got != size) throw SetupError("raw TCP copy received " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    return secs;
}

}  // namespace bench
