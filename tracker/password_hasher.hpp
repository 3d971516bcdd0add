#pragma once
// Password hashing off the tracker's main loop: PBKDF2-HMAC-SHA256 with
// 100k iterations costs tens of milliseconds, and one login must not stall
// every other request.
//
// Pipe protocol of a hasher actor:
//   in:  [job id (u64)] [password] [salt] [iterations (u32)]
//   out: [job id (u64)] [hash (32 bytes)]
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "actors/actor.hpp"

namespace p2p::tracker {

inline constexpr uint32_t kPbkdf2Iterations = 100'000;
inline constexpr std::size_t kSaltBytes = 16;

std::string pbkdf2_sha256(const std::string& password, const std::string& salt, uint32_t iterations);
bool same_hash(const std::string& a, const std::string& b);  // constant time

struct HashResult {
    uint64_t job = 0;
    std::string hash;
};

// A pool of hasher actors; the owner polls each pipe() for results.
class PasswordHashers {
public:
    PasswordHashers(zmq::context_t& ctx, std::size_t workers);
    void submit(uint64_t job, const std::string& password, const std::string& salt, uint32_t iterations);
    std::size_t size() const { return workers_.size(); }
    zmq::socket_t& pipe(std::size_t i) { return workers_[i]->pipe(); }
    // Reads one result from worker i (call when its pipe is readable).
    bool receive(std::size_t i, HashResult& out);

private:
    std::vector<std::unique_ptr<actors::Actor>> workers_;
    std::vector<std::size_t> outstanding_;
};

}  // namespace p2p::tracker
