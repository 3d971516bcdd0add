#pragma once
// The ZAP handler (ZeroMQ RFC 27) of a process: every CURVE handshake on a
// server socket of this context asks it. It lets every client in (who may do
// what is the application's business: sessions, tickets) and names each one
// by its public key in Z85, which then comes with every message as its
// "User-Id" (actors::peer_key). Without it a server could not tell which key
// sent a request.
#include <memory>

#include <zmq.hpp>

#include "actors/actor.hpp"

namespace p2p::actors {

class ZapHandler {
public:
    // Binds inproc://zeromq.zap.01 before returning: start it before any server socket.
    explicit ZapHandler(zmq::context_t& ctx);

private:
    std::unique_ptr<Actor> actor_;
};

}  // namespace p2p::actors
