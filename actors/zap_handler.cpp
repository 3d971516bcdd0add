#include "actors/zap_handler.hpp"

#include <zmq_addon.hpp>

#include "actors/loop.hpp"

namespace p2p::actors {

namespace {

void serve(zmq::context_t& ctx, zmq::socket_t& pipe, const ZapPolicy& policy) {
    zmq::socket_t rep(ctx, zmq::socket_type::rep);
    rep.set(zmq::sockopt::linger, 0);
    rep.bind("inproc://zeromq.zap.01");
    Loop loop;
    loop.on_pipe(pipe, [&](zmq::multipart_t&) {});
    loop.on(rep, [&] {
        zmq::multipart_t req;
        while (req.recv(rep, static_cast<int>(zmq::recv_flags::dontwait))) {
            // version, request id, domain, address, identity, mechanism, credentials...
            zmq::multipart_t reply;
            reply.addstr("1.0");
            reply.addstr(req.size() > 1 ? req[1].to_string() : std::string());
            std::string user;
            if (req.size() >= 7 && req[0].to_string_view() == "1.0" && req[5].to_string_view() == "CURVE" &&
                req[6].size() == 32) {
                char z85[41];
                zmq_z85_encode(z85, static_cast<const uint8_t*>(req[6].data()), 32);
                user = z85;
                if (!policy || policy(req[2].to_string_view(), user)) {
                    reply.addstr("200");
                    reply.addstr("OK");
                } else {
                    reply.addstr("400");
                    reply.addstr("key not admitted on this socket");
                    user.clear();
                }
            } else if (req.size() >= 6 && req[0].to_string_view() == "1.0" && req[5].to_string_view() == "NULL") {
                reply.addstr("200");
                reply.addstr("OK");
            } else {
                reply.addstr("400");
                reply.addstr("malformed ZAP request");
            }
            reply.addstr(user);
            reply.addstr("");
            reply.send(rep);
            req.clear();
        }
    });
    signal_ready(pipe);
    loop.run();
}

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& ctx, ZapPolicy policy)
    : actor_(std::make_unique<Actor>(ctx, "zap", [&ctx, policy = std::move(policy)](zmq::socket_t& pipe) {
          serve(ctx, pipe, policy);
      })) {}

}  // namespace p2p::actors
