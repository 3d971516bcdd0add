#pragma once
// One request at a time over a CURVE DEALER, with a deadline: enough for a
// probe that runs a fixed script of requests.
#include <chrono>
#include <optional>
#include <string>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "actors/curve.hpp"
#include "messages/envelope.hpp"
#include "messages/tracker_protocol.hpp"

namespace probe {

// What went wrong, for an `error:` line.
struct ProbeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class RpcClient {
public:
    // Connects to endpoint as the holder of `own`, trusting only server_key.
    RpcClient(zmq::context_t& ctx, const p2p::actors::Security& own, const std::string& server_key,
              const std::string& endpoint);

    // Sends `message` and waits for the reply with its request id (every
    // frame of it: a piece comes as [envelope][bytes]). nullopt on timeout.
    template <class T>
    std::optional<zmq::multipart_t> ask(const T& message, std::chrono::milliseconds timeout) {
        const uint64_t id = next_id_++;
        const std::string bytes = p2p::encode(id, message);
        socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
        return wait_for(id, timeout);
    }

    const std::string& endpoint() const { return endpoint_; }

private:
    std::optional<zmq::multipart_t> wait_for(uint64_t id, std::chrono::milliseconds timeout);

    zmq::socket_t socket_;
    std::string endpoint_;
    uint64_t next_id_ = 1;
};

// The reply's body as T, or a ProbeError naming what came instead.
template <class T>
T expect_reply(const zmq::multipart_t& reply, const std::string& what) {
    auto env = p2p::decode_envelope(reply[0].data(), reply[0].size());
    if (!env) throw ProbeError(what + ": unreadable reply: " + env.error());
    if (env->kind() == p2p::Kind::Error) {
        auto e = env->as<p2p::msg::Error>();
        throw ProbeError(what + " refused: " + (e ? e->code + ": " + e->text : std::string("?")));
    }
    auto body = env->as<T>();
    if (!body) throw ProbeError(what + ": unexpected reply: " + body.error());
    return *body;
}

}  // namespace probe
