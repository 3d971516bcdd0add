#include "node/files/piece_hasher.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages/sha256.hpp"

namespace p2p::files {
namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_;
};

// Empty on success, else the reason.
std::string read_fully(int fd, char* buf, uint32_t len, uint64_t offset) {
    uint32_t got = 0;
    while (got < len) {
        const ssize_t n = ::pread(fd, buf + got, len - got, static_cast<off_t>(offset + got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::strerror(errno);
        }
        if (n == 0) return "file shrank while being hashed";
        got += static_cast<uint32_t>(n);
    }
    return {};
}

bool same_file_state(const struct stat& a, const struct stat& b) {
    return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
           a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

Result<FileMeta> hash_file(const std::filesystem::path& path, uint32_t piece_size,
                           unsigned threads, HashProgress progress) {
    const auto cannot = [&](const std::string& why) {
        return fail("cannot read " + path.string() + ": " + why);
    };
    if (!valid_piece_size(piece_size)) {
        return fail("piece size " + std::to_string(piece_size) +
                    " is not a power of two between 16 KiB and 16 MiB");
    }
    // O_NONBLOCK so that a FIFO fails the type check below instead of
    // blocking open() until some writer appears.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) return cannot(std::strerror(errno));
    struct stat before{};
    if (::fstat(fd.get(), &before) != 0) return cannot(std::strerror(errno));
    if (S_ISDIR(before.st_mode)) return cannot("is a directory");
    if (!S_ISREG(before.st_mode)) return cannot("not a regular file");
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);

    const uint64_t size = static_cast<uint64_t>(before.st_size);
    if (size > kMaxFileSize) return cannot("file is over 1 TiB, too big to share");
    // Doubles the kernel's read-ahead; the workers move through the file
    // together, so from a cold cache it sees one forward-moving stream.
    (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);

    const uint64_t pieces = num_pieces(size, piece_size);
    std::vector<std::string> hashes(pieces);
    const unsigned workers =
        pieces == 0 ? 0 : static_cast<unsigned>(std::clamp<uint64_t>(threads, 1, pieces));
    // Each worker writes only its own slots of hashes and errors; the atomics
    // are the only state they share.
    std::vector<std::string> errors(workers);
    std::atomic<uint64_t> done{0};
    std::atomic<bool> failed{false};
    uint64_t reported = 0;

    // Worker w takes pieces w, w + workers, ...: equal shares, and the
    // workers' reads stay close together in the file.
    const auto work = [&](unsigned w, bool report) {
        try {
            auto buf = std::make_unique_for_overwrite<char[]>(piece_size);
            Sha256 hasher;
            for (uint64_t i = w; i < pieces; i += workers) {
                if (failed.load(std::memory_order_relaxed)) return;
                const uint32_t len = piece_length(size, piece_size, i);
                if (auto why = read_fully(fd.get(), buf.get(), len, i * piece_size); !why.empty()) {
                    errors[w] = cannot(why).reason;
                    failed.store(true, std::memory_order_relaxed);
                    return;
                }
                hasher.update(buf.get(), len);
                hashes[i] = hasher.finish();
                const uint64_t now = done.fetch_add(len, std::memory_order_relaxed) + len;
                if (report && progress && now > reported) {
                    reported = now;
                    progress(now, size);
                }
            }
        } catch (const std::exception& e) {
            errors[w] = cannot(e.what()).reason;
            failed.store(true, std::memory_order_relaxed);
        } catch (...) {
            errors[w] = cannot("unknown error").reason;
            failed.store(true, std::memory_order_relaxed);
        }
    };

    {
        std::vector<std::jthread> helpers;
        try {
            helpers.reserve(workers > 0 ? workers - 1 : 0);
            for (unsigned w = 1; w < workers; ++w) helpers.emplace_back(work, w, false);
        } catch (const std::system_error& e) {
            failed.store(true);
            return cannot(std::string("cannot start hashing threads: ") + e.what());
        }
        // The caller's thread is worker 0, so progress runs on it and a
        // single-threaded hash starts no thread at all.
        if (workers > 0) work(0, true);
    }  // joins the helpers

    for (const auto& e : errors) {
        if (!e.empty()) return fail(e);
    }
    // A writer racing with us could have changed bytes already hashed, or
    // added bytes past the size we read; either way the hashes describe no
    // version of the file.
    struct stat after{};
    if (::fstat(fd.get(), &after) != 0) return cannot(std::strerror(errno));
    if (!same_file_state(before, after)) return cannot("file changed while being hashed");

    if (progress && (reported < size || size == 0)) progress(size, size);

    FileMeta meta;
    meta.name = path.filename().string();
    meta.size = size;
    meta.piece_size = piece_size;
    meta.file_id = file_id_of(hashes);
    meta.piece_hashes = std::move(hashes);
    return meta;
}

}  // namespace p2p::files
