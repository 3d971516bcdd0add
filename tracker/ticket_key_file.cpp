#include "tracker/ticket_key_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
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

// At most max_bytes: a key file is tiny, and a huge one is wrong anyway.
std::string read_some(const fs::path& path, std::size_t max_bytes) {
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

void write_durably(const fs::path& dir, const std::string& bytes) {
    const fs::path tmp = dir / (std::string(kTicketKeyFile) + ".tmp");
    const fs::path final_path = dir / kTicketKeyFile;
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

}  // namespace

TicketKey load_or_create_ticket_key(const fs::path& data_dir) {
    const fs::path path = data_dir / kTicketKeyFile;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (ec) throw std::system_error(ec, "stat " + path.string());
    if (exists) {
        const std::string seed = read_some(path, 33);
        if (seed.size() != 32) {
            const std::string size = seed.size() > 32 ? "more than 32 bytes" : std::to_string(seed.size()) + " bytes";
            throw std::runtime_error(path.string() + " is not a 32-byte Ed25519 key (" + size +
                                     "); restore it, or delete it to make a new one (tickets already handed out "
                                     "then stop working)");
        }
        return ticket_key_from_private(seed);
    }
    fs::create_directories(data_dir, ec);
    if (ec) throw std::system_error(ec, "create_directories " + data_dir.string());
    TicketKey key = generate_ticket_key();
    write_durably(data_dir, key.private_key);
    return key;
}

}  // namespace p2p::tracker
