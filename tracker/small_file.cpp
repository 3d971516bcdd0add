#include "tracker/small_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace p2p::tracker {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_errno(const std::string& op, const fs::path& path) {
    throw std::system_error(errno, std::generic_category(), op + " " + path.string());
}

class Fd {
public:
    Fd(const fs::path& path, int flags, mode_t mode = 0) : path_(path) {
        do {
            fd_ = ::open(path.c_str(), flags | O_CLOEXEC, mode);
        } while (fd_ < 0 && errno == EINTR);
        if (fd_ < 0) throw_errno("open", path);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { ::close(fd_); }

    int get() const { return fd_; }
    void fsync() const {
        if (::fsync(fd_) != 0) throw_errno("fsync", path_);
    }

private:
    fs::path path_;
    int fd_ = -1;
};

}  // namespace

void write_small_file_durably(const fs::path& dir, const std::string& name, const std::string& bytes) {
    const fs::path tmp = dir / (name + ".tmp");
    const fs::path final_path = dir / name;
    // A leftover temp file (a crash mid-write) may be torn or have looser
    // permissions; start afresh so that O_EXCL creates it 0600.
    if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) throw_errno("unlink", tmp);
    {
        Fd fd(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw_errno("write", tmp);
            done += static_cast<std::size_t>(n);
        }
        fd.fsync();
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) throw_errno("rename", tmp);
    Fd(dir, O_RDONLY | O_DIRECTORY).fsync();
}

// At most max_bytes: a key file is tiny, and a huge one is wrong anyway.
std::string read_small_file(const fs::path& path, std::size_t max_bytes) {
    Fd fd(path, O_RDONLY);
    std::string out(max_bytes, '\0');
    std::size_t got = 0;
    while (got < max_bytes) {
        const ssize_t n = ::read(fd.get(), out.data() + got, max_bytes - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read", path);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

}  // namespace p2p::tracker
