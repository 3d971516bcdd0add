#pragma once
// The ZAP handler (ZeroMQ RFC 27) of a process: every CURVE handshake on a
// server socket of this context asks it. It names each client by its public
// key in Z85, which then comes with every message as its "User-Id"
// (actors::peer_key): without it a server could not tell which key sent a
// request. On most sockets it lets every key in (who may do what is the
// application's business: sessions, tickets); a policy may refuse keys per
// ZAP domain, for sockets like PUB that never see who reads them.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "actors/actor.hpp"

namespace p2p::actors {

// Whether a client holding `key` (Z85) may connect to a socket of ZAP domain
// `domain`. Runs on the handler's own thread: it may read files, not another
// actor's state.
using ZapPolicy = std::function<bool(std::string_view domain, const std::string& key)>;

class ZapHandler {
public:
    // Binds inproc://zeromq.zap.01 before returning: start it before any
    // server socket. Without a policy every key is let in.
    explicit ZapHandler(zmq::context_t& ctx, ZapPolicy policy = {});

private:
    std::unique_ptr<Actor> actor_;
};

}  // namespace p2p::actors
