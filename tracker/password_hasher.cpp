#include "tracker/password_hasher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <zmq_addon.hpp>

#include "actors/frames.hpp"
#include "actors/loop.hpp"

namespace p2p::tracker {

std::string pbkdf2_sha256(const std::string& password, const std::string& salt, uint32_t iterations) {
    std::string out(32, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                          reinterpret_cast<unsigned char*>(out.data())) != 1) {
        throw std::runtime_error("PBKDF2 failed");
    }
    return out;
}

bool same_hash(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {


void hasher_body(zmq::socket_t& pipe) {
    actors::Loop loop;
    loop.on_pipe(pipe, [&](zmq::multipart_t& job) {
        if (job.size() != 4) return;
        const auto id = actors::frame_number<uint64_t>(job[0]);
        const std::string hash =
            pbkdf2_sha256(job[1].to_string(), job[2].to_string(), actors::frame_number<uint32_t>(job[3]));
        zmq::multipart_t result;
        result.addtyp(id);
        result.addstr(hash);
        result.send(pipe);
    });
    actors::signal_ready(pipe);
    loop.run();
}

}  // namespace

PasswordHashers::PasswordHashers(zmq::context_t& ctx, std::size_t workers) : outstanding_(workers, 0) {
    for (std::size_t i = 0; i < workers; ++i) {
        workers_.push_back(std::make_unique<actors::Actor>(ctx, "hasher-" + std::to_string(i), hasher_body));
    }
}

void PasswordHashers::submit(uint64_t job, const std::string& password, const std::string& salt,
                             uint32_t iterations) {
    const auto least_busy = static_cast<std::size_t>(
        std::min_element(outstanding_.begin(), outstanding_.end()) - outstanding_.begin());
    zmq::multipart_t msg;
    msg.addtyp(job);
    msg.addstr(password);
    msg.addstr(salt);
    msg.addtyp(iterations);
    msg.send(workers_[least_busy]->pipe());
    ++outstanding_[least_busy];
}

bool PasswordHashers::receive(std::size_t i, HashResult& out) {
    zmq::multipart_t msg;
    if (!msg.recv(workers_[i]->pipe(), static_cast<int>(zmq::recv_flags::dontwait))) return false;
    if (msg.size() != 2) return false;
    out.job = actors::frame_number<uint64_t>(msg[0]);
    out.hash = msg[1].to_string();
    if (outstanding_[i] > 0) --outstanding_[i];
    return true;
}

}  // namespace p2p::tracker
