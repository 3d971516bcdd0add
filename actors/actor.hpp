#pragma once
// An actor is a thread that owns its sockets and its state, plus a PAIR pipe
// to its parent (czmq's zactor contract):
//
//  - Constructing an Actor returns only after the child has called
//    signal_ready() on its end of the pipe (no sleeps, no start-up races). If
//    the child fails before that (signal_failed or an exception), the
//    constructor throws with the child's reason.
//  - Destroying it sends "$TERM" and joins the thread. A child's Loop stops
//    on "$TERM" by itself (see Loop::on_pipe).
//  - Everything else on the pipe is the actor's own protocol, described at the
//    top of each actor's header.
#include <functional>
#include <string>
#include <thread>

#include <zmq.hpp>

namespace p2p::actors {

inline constexpr const char* kTerm = "$TERM";

class Actor {
public:
    using Body = std::function<void(zmq::socket_t& pipe)>;

    Actor(zmq::context_t& ctx, std::string name, Body body);
    ~Actor();
    Actor(const Actor&) = delete;
    Actor& operator=(const Actor&) = delete;

    zmq::socket_t& pipe() { return pipe_; }
    const std::string& name() const { return name_; }

private:
    std::string name_;
    zmq::socket_t pipe_;
    std::thread thread_;
};

void signal_ready(zmq::socket_t& pipe);
void signal_failed(zmq::socket_t& pipe, const std::string& reason);

}  // namespace p2p::actors
