// The verified reference copy (raw_tcp_copy.hpp). A bench tool's own
// threads share a queue under a mutex here: this is a measuring stick, not
// the product, and the simplest correct pipeline is the right stick.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "loopback_stream.hpp"
#include "messages/sha256.hpp"
#include "raw_tcp_copy.hpp"
#include "support.hpp"

namespace bench {

namespace {

constexpr std::size_t kWorkers = 2;     // as a p2pshare node's piece workers
constexpr std::size_t kBuffers = 16;    // pieces received but not yet written, as kMaxAtWorkers

struct Piece {
    std::vector<char> bytes;
    uint32_t index = 0;
    std::size_t length = 0;
};

// Pieces flow receiver -> full -> worker -> free -> receiver.
class PieceQueues {
public:
    explicit PieceQueues(uint32_t piece_size) {
        for (std::size_t i = 0; i < kBuffers; ++i) free_.push_back(Piece{std::vector<char>(piece_size), 0, 0});
    }
    Piece take_free() { return take(free_); }
    void give_free(Piece p) { give(free_, std::move(p)); }
    Piece take_full() { return take(full_); }
    void give_full(Piece p) { give(full_, std::move(p)); }

private:
    Piece take(std::deque<Piece>& q) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !q.empty(); });
        Piece p = std::move(q.front());
        q.pop_front();
        return p;
    }
    void give(std::deque<Piece>& q, Piece p) {
        {
            std::lock_guard lock(mutex_);
            q.push_back(std::move(p));
        }
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Piece> free_, full_;
};

}  // namespace

double verified_tcp_copy(const std::filesystem::path& src, const std::filesystem::path& dst,
                         const std::vector<std::string>& piece_hashes, uint32_t piece_size) {
    const int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) throw SetupError("open " + dst.string() + ": " + std::strerror(errno));
    PieceQueues queues(piece_size);
    std::mutex failed_mutex;
    std::string failed;
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < kWorkers; ++w) {
        workers.emplace_back([&] {
            for (;;) {
                Piece p = queues.take_full();
                if (p.length == 0) return;  // the receiver is done
                std::string why;
                if (p.index >= piece_hashes.size() || p2p::files::sha256(p.bytes.data(), p.length) != piece_hashes[p.index]) {
                    why = "piece " + std::to_string(p.index) + " has the wrong hash";
                } else if (::pwrite(out, p.bytes.data(), p.length, off_t{p.index} * piece_size) !=
                           static_cast<ssize_t>(p.length)) {
                    why = "write " + dst.string() + ": " + std::strerror(errno);
                }
                if (!why.empty()) {
                    std::lock_guard lock(failed_mutex);
                    failed = why;
                }
                queues.give_free(std::move(p));
            }
        });
    }

    const auto start = Clock::now();
    off_t got = 0, size = 0;
    {
        LoopbackStream stream(src);
        size = stream.size();
        for (uint32_t index = 0; got < size; ++index) {
            Piece p = queues.take_free();
            p.index = index;
            p.length = recv_full(stream.fd(), p.bytes.data(),
                                 static_cast<std::size_t>(std::min<off_t>(piece_size, size - got)));
            if (p.length == 0) {
                queues.give_free(std::move(p));
                break;
            }
            got += static_cast<off_t>(p.length);
            queues.give_full(std::move(p));
        }
    }
    for (std::size_t w = 0; w < kWorkers; ++w) queues.give_full(Piece{});
    for (auto& t : workers) t.join();
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(out);
    if (!failed.empty()) throw SetupError("verified TCP copy: " + failed);
    if (got != size) throw SetupError("verified TCP copy received " + std::to_string(got) + " of " + std::to_string(size) + " bytes");
    return secs;
}

}  // namespace bench
