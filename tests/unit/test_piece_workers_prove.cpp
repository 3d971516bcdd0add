// Stage Prove of the piece workers (node/engine/piece_workers.hpp): a piece
// that a resume record from an earlier boot lists is read back from the
// .part and hashed before it is trusted. Real worker threads, real inproc
// pipes, a real file.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "messages/sha256.hpp"
#include "node/engine/piece_workers.hpp"

using namespace p2p::node;
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kPiece = 64 * 1024;

std::string piece_bytes(char seed) {
    std::string s(kPiece, '\0');
    for (uint32_t i = 0; i < kPiece; ++i) s[i] = static_cast<char>(seed * 31 + i * 7);
    return s;
}

PieceJob prove_job(uint32_t index, int fd, const std::string& expected_hash) {
    PieceJob job;
    job.stage = PieceStage::Prove;
    job.download = 1;
    job.index = index;
    job.fd = fd;
    job.offset = uint64_t{index} * kPiece;
    job.length = kPiece;
    std::memcpy(job.hash, expected_hash.data(), sizeof job.hash);
    return job;
}

// Waits for `count` results from any worker; index -> outcome.
std::map<uint32_t, PieceOutcome> results(PieceWorkers& workers, std::size_t count) {
    std::map<uint32_t, PieceOutcome> out;
    std::vector<zmq::pollitem_t> items;
    for (std::size_t i = 0; i < workers.size(); ++i) items.push_back({workers.pipe(i).handle(), 0, ZMQ_POLLIN, 0});
    while (out.size() < count) {
        REQUIRE(zmq::poll(items, std::chrono::milliseconds(5000)) > 0);
        for (std::size_t i = 0; i < workers.size(); ++i) {
            PieceWorkers::Event ev;
            while (workers.receive(i, ev)) {
                CHECK(ev.piece.job.stage == PieceStage::Prove);
                CHECK(ev.bytes.size() == 0);  // a proof sends no bytes back
                out[ev.piece.job.index] = ev.piece.outcome;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("prove keeps pieces on disk with their hash and rejects lost or short ones", "[workers]") {
    char tmpl[] = "/tmp/p2p-prove.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const fs::path dir(tmpl);
    const fs::path part = dir / "f.part";
    const std::string p0 = piece_bytes(1), p1 = piece_bytes(2), p2 = piece_bytes(3), p3 = piece_bytes(4);
    {
        // Piece 1 "lost in the crash" (zeroes, as fallocate left it); piece 3
        // cut short: the file ends half way into it.
        std::ofstream out(part, std::ios::binary);
        out << p0 << std::string(kPiece, '\0') << p2 << p3.substr(0, kPiece / 2);
    }
    const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    {
        zmq::context_t ctx;
        PieceWorkers workers(ctx, 2);
        workers.submit(prove_job(0, fd, p2p::files::sha256(p0)), zmq::message_t());
        workers.submit(prove_job(1, fd, p2p::files::sha256(p1)), zmq::message_t());
        workers.submit(prove_job(2, fd, p2p::files::sha256(p2)), zmq::message_t());
        workers.submit(prove_job(3, fd, p2p::files::sha256(p3)), zmq::message_t());
        // The right bytes under another piece's hash are no proof either.
        // (Piece 2's bytes checked against piece 0's hash, reported as 9.)
        PieceJob wrong = prove_job(2, fd, p2p::files::sha256(p0));
        wrong.index = 9;
        workers.submit(wrong, zmq::message_t());
        const auto got = results(workers, 5);
        CHECK(got.at(0) == PieceOutcome::Stored);
        CHECK(got.at(1) == PieceOutcome::BadHash);
        CHECK(got.at(2) == PieceOutcome::Stored);
        CHECK(got.at(3) == PieceOutcome::BadHash);
        CHECK(got.at(9) == PieceOutcome::BadHash);
        CHECK(workers.queued() == 0);
    }
    ::close(fd);
    fs::remove_all(dir);
}
