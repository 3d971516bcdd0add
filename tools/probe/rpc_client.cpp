#include "tools/probe/rpc_client.hpp"

#include "messages/limits.hpp"

namespace probe {

RpcClient::RpcClient(zmq::context_t& ctx, const p2p::actors::Security& own, const std::string& server_key,
                     const std::string& endpoint)
    : socket_(ctx, zmq::socket_type::dealer), endpoint_(endpoint) {
    socket_.set(zmq::sockopt::linger, 0);
    p2p::actors::make_client(socket_, own, server_key);
    socket_.connect(endpoint);
}

std::optional<zmq::multipart_t> RpcClient::wait_for(uint64_t id, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, left);
        if (!(item.revents & ZMQ_POLLIN)) continue;
        zmq::multipart_t m;
        if (!m.recv(socket_, static_cast<int>(zmq::recv_flags::dontwait)) || m.empty()) continue;
        auto env = p2p::decode_envelope(m[0].data(), m[0].size());
        if (m.size() <= 2 && env && env->request_id() == id) return m;
        // Anything else (an event, a stale reply) is not the answer.
    }
}

}  // namespace probe
