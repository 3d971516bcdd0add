#include "tracker/storage/file_io.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace p2p::storage::io {

void throw_errno(int err, std::string_view op, const std::filesystem::path& path) {
    std::string what(op);
    what += ' ';
    what += path.string();
    throw std::system_error(err, std::generic_category(), what);
}

void throw_errno(std::string_view op, const std::filesystem::path& path) {
    throw_errno(errno, op, path);
}

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Fd open_file(const std::filesystem::path& path, int flags, unsigned mode) {
    int fd;
    do {
        fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_errno("open", path);
    return Fd(fd);
}

void write_all(int fd, const char* data, size_t n, const std::filesystem::path& path) {
    while (n > 0) {
        ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_errno("write", path);
        }
        if (w == 0) throw_errno(EIO, "write (no progress)", path);
        data += w;
        n -= static_cast<size_t>(w);
    }
}

size_t read_full(int fd, char* data, size_t n, const std::filesystem::path& path) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::read(fd, data + got, n - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_errno("read", path);
        }
        if (r == 0) break;
        got += static_cast<size_t>(r);
    }
    return got;
}

uint64_t file_size(int fd, const std::filesystem::path& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_errno("fstat", path);
    return static_cast<uint64_t>(st.st_size);
}

void fsync_dir(const std::filesystem::path& dir) {
    Fd fd = open_file(dir, O_RDONLY | O_DIRECTORY);
    if (::fsync(fd.get()) != 0) throw_errno("fsync", dir);
}

}  // namespace p2p::storage::io
