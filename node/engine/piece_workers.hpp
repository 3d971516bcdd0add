#pragma once
// Workers that hash each arriving piece and write it with pwrite, off the
// engine's network thread: on two cores, hashing inline would halve the
// receive rate. The piece's bytes move from the socket to a worker and on
// without a copy (inproc passes the message itself).
//
// A piece goes through two stages. Hashing (after opening it, when it came
// sealed: AES-256-GCM in place, ~0.24 s per GiB) (the costly one: ~0.66 s of CPU
// per GiB) goes to the least busy worker, so both cores hash. Writing goes
// to the download's own worker, always the same one: two threads pwrite-ing
// one file spin on its inode lock (perf: 5% of all CPU in
// rwsem_spin_on_owner). Between the stages the bytes pass back through the
// engine, which forwards only pieces of a download still fetching.
//
// A piece a resume record lists but an earlier boot wrote (it may never
// have reached the disk) is proven before it is trusted: stage Prove
// `pread`s it back from the .part on the least busy worker and hashes it.
//
// Pipe protocol of a worker:
//   in:  [PieceJob stage=Hash][piece bytes]
//   out: [PieceJobResult Hashed][piece bytes]   or [PieceJobResult BadHash]
//   in:  [PieceJob stage=Write][piece bytes]
//   out: [PieceJobResult Stored / WriteFailed]
//   in:  [PieceJob stage=Prove][empty]
//   out: [PieceJobResult Stored (on disk with its hash) / BadHash]
// or, when a download lets go of its file:
//   in:  "DRAIN" [fd int]
//   out: "DRAINED" [fd int]     (every job sent before it is done; the fd
//                                is closed once every worker said so)
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "actors/actor.hpp"

namespace p2p::node {

enum class PieceStage : uint32_t { Hash = 0, Write = 1, Prove = 2 };

struct PieceJob {
    PieceStage stage = PieceStage::Hash;
    uint32_t download = 0;
    uint32_t source = 0;
    uint32_t index = 0;
    int fd = -1;
    uint64_t offset = 0;
    uint32_t length = 0;  // the piece's bytes; a sealed frame has the tag after them
    unsigned char hash[32] = {};
    // Sealed (piece_seal.hpp): opened in place before hashing, with this
    // link's key and the reply's nonce.
    bool sealed = false;
    unsigned char seal_key[32] = {};
    unsigned char nonce[12] = {};
};

enum class PieceOutcome : uint32_t { Stored = 0, BadHash = 1, WriteFailed = 2, Hashed = 3, BadSeal = 4 };

struct PieceJobResult {
    PieceJob job;
    PieceOutcome outcome = PieceOutcome::Stored;
    int error = 0;  // errno when WriteFailed
};

class PieceWorkers {
public:
    PieceWorkers(zmq::context_t& ctx, std::size_t count);
    // job.stage says which stage: Hash and Prove on the least busy worker,
    // Write on the download's own.
    void submit(const PieceJob& job, zmq::message_t&& bytes);
    // Closes fd once every piece job already submitted is done (hashed, written):
    // closed earlier, a pwrite still queued would hit a closed descriptor,
    // or worse, whatever file or socket reused its number.
    void release(int fd);
    ~PieceWorkers();
    std::size_t size() const { return workers_.size(); }
    zmq::socket_t& pipe(std::size_t i) { return workers_[i]->pipe(); }
    std::size_t queued() const;

    struct Event {
        PieceJobResult piece;
        zmq::message_t bytes;  // a Hashed piece's bytes, on their way to the Write stage
    };
    bool receive(std::size_t i, Event& out);

private:
    std::size_t least_busy() const;
    std::size_t worker_of(uint32_t download) const { return download % workers_.size(); }
    std::vector<std::unique_ptr<actors::Actor>> workers_;
    std::vector<std::size_t> outstanding_;
    std::map<int, std::size_t> closing_;  // released fd -> workers yet to drain
};

}  // namespace p2p::node
