#include "node/engine/piece_workers.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <vector>
#include <zmq_addon.hpp>

#include "actors/frames.hpp"
#include "actors/loop.hpp"
#include "messages/piece_seal.hpp"
#include "messages/sha256.hpp"

namespace p2p::node {

namespace {

// The engine checked the frame's size against the piece's (plus the tag
// when sealed); checked again here because the job and bytes travel apart.
bool sized_right(const PieceJob& job, const zmq::message_t& bytes) {
    return bytes.size() == job.length + (job.sealed ? msg::kSealTagBytes : 0);
}

bool opened(const PieceJob& job, zmq::message_t& bytes) {
    if (!job.sealed) return true;
    const msg::SealParams p{job.seal_key, job.nonce, job.index, job.hash};
    return msg::open_piece(p, static_cast<unsigned char*>(bytes.data()), bytes.size());
}

// The job's first `length` bytes at `data` have the job's hash.
bool hash_matches(const PieceJob& job, const void* data) {
    const std::string digest = files::sha256(data, job.length);
    return digest.size() == 32 && std::memcmp(digest.data(), job.hash, 32) == 0;
}

PieceOutcome write(const PieceJob& job, const zmq::message_t& bytes, int& error) {
    const auto* p = static_cast<const char*>(bytes.data());
    std::size_t done = 0;
    while (done < job.length) {
        const ssize_t n = ::pwrite(job.fd, p + done, job.length - done, static_cast<off_t>(job.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = n < 0 ? errno : ENOSPC;
            return PieceOutcome::WriteFailed;
        }
        done += static_cast<std::size_t>(n);
    }
    return PieceOutcome::Stored;
}

// Reads the piece back from the .part: a short read (the file shrank) or a
// read error counts as damage, like a wrong hash; the piece is fetched again.
PieceOutcome prove(const PieceJob& job) {
    thread_local std::vector<char> buf;
    buf.resize(job.length);
    std::size_t done = 0;
    while (done < job.length) {
        const ssize_t n = ::pread(job.fd, buf.data() + done, job.length - done, static_cast<off_t>(job.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return PieceOutcome::BadHash;
        done += static_cast<std::size_t>(n);
    }
    return hash_matches(job, buf.data()) ? PieceOutcome::Stored : PieceOutcome::BadHash;
}

void worker_body(zmq::socket_t& pipe) {
    actors::Loop loop;
    loop.on_pipe(pipe, [&](zmq::multipart_t& msg) {
        if (msg.size() == 2 && msg[0].to_string_view() == "DRAIN") {
            // Every job queued before this one is done: say so.
            msg[0].rebuild("DRAINED", 7);
            msg.send(pipe);
            return;
        }
        if (msg.size() != 2 || msg[0].size() != sizeof(PieceJob)) return;
        PieceJob job;
        std::memcpy(&job, msg[0].data(), sizeof job);
        PieceJobResult result{job, PieceOutcome::Stored, 0};
        if (job.stage == PieceStage::Prove) {
            result.outcome = prove(job);
        } else if (job.stage == PieceStage::Hash && (!sized_right(job, msg[1]) || !opened(job, msg[1]))) {
            result.outcome = PieceOutcome::BadSeal;
        } else if (job.stage == PieceStage::Hash) {
            if (hash_matches(job, msg[1].data())) {
                // Has the kernel put the piece's page-cache pages in place
                // now (zeroes: the range is fallocated), on this thread,
                // rather than in the writer's pwrite: new pages cost this VM
                // up to ~2 s of CPU per GiB, and the writer is one thread.
                (void)::posix_fadvise(job.fd, static_cast<off_t>(job.offset), static_cast<off_t>(job.length),
                                      POSIX_FADV_WILLNEED);
                result.outcome = PieceOutcome::Hashed;
                pipe.send(zmq::buffer(&result, sizeof result), zmq::send_flags::sndmore);
                pipe.send(msg[1], zmq::send_flags::none);
                return;
            }
            result.outcome = PieceOutcome::BadHash;
        } else if (!sized_right(job, msg[1])) {
            result.outcome = PieceOutcome::WriteFailed;
            result.error = EINVAL;
        } else {
            result.outcome = write(job, msg[1], result.error);
        }
        msg.clear();  // free the piece before reporting, to bound memory
        pipe.send(zmq::buffer(&result, sizeof result), zmq::send_flags::none);
    });
    actors::signal_ready(pipe);
    loop.run();
}

}  // namespace

PieceWorkers::PieceWorkers(zmq::context_t& ctx, std::size_t count) : outstanding_(count, 0) {
    for (std::size_t i = 0; i < count; ++i) {
        workers_.push_back(std::make_unique<actors::Actor>(ctx, "piece-worker-" + std::to_string(i), worker_body));
    }
}

std::size_t PieceWorkers::least_busy() const {
    return static_cast<std::size_t>(std::min_element(outstanding_.begin(), outstanding_.end()) - outstanding_.begin());
}

std::size_t PieceWorkers::queued() const { return std::accumulate(outstanding_.begin(), outstanding_.end(), std::size_t{0}); }

void PieceWorkers::submit(const PieceJob& job, zmq::message_t&& bytes) {
    const std::size_t i = job.stage == PieceStage::Write ? worker_of(job.download) : least_busy();
    workers_[i]->pipe().send(zmq::buffer(&job, sizeof job), zmq::send_flags::sndmore);
    workers_[i]->pipe().send(bytes, zmq::send_flags::none);
    ++outstanding_[i];
}

PieceWorkers::~PieceWorkers() {
    workers_.clear();  // stops and joins them: nothing uses the fds any more
    for (const auto& [fd, waiting] : closing_) ::close(fd);
}

void PieceWorkers::release(int fd) {
    if (fd < 0) return;
    // Any worker may hold a job with this fd (a hash job advises on it, a
    // write job writes to it): each is asked to DRAIN, and the fd is closed
    // when the last one has answered, so never under a job, nor after its
    // number went to another file.
    for (auto& w : workers_) {
        zmq::multipart_t msg;
        msg.addstr("DRAIN");
        msg.addtyp(fd);
        msg.send(w->pipe());
    }
    closing_[fd] = workers_.size();
}

bool PieceWorkers::receive(std::size_t i, Event& out) {
    zmq::multipart_t msg;
    for (;;) {
        if (!msg.recv(workers_[i]->pipe(), static_cast<int>(zmq::recv_flags::dontwait))) return false;
        if (msg.size() != 2 || msg[0].to_string_view() != "DRAINED") break;
        const int fd = actors::frame_number<int>(msg[1]);
        if (auto it = closing_.find(fd); it != closing_.end() && --it->second == 0) {
            ::close(fd);
            closing_.erase(it);
        }
        msg.clear();
    }
    if (outstanding_[i] > 0) --outstanding_[i];
    if ((msg.size() == 1 || msg.size() == 2) && msg[0].size() == sizeof(PieceJobResult)) {
        std::memcpy(&out.piece, msg[0].data(), sizeof out.piece);
        out.bytes = msg.size() == 2 ? std::move(msg[1]) : zmq::message_t();
        return true;
    }
    return false;
}

}  // namespace p2p::node
