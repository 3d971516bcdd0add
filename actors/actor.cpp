#include "actors/actor.hpp"

#include <pthread.h>

#include <atomic>
#include <stdexcept>

#include "actors/log.hpp"

namespace p2p::actors {

namespace {
constexpr std::string_view kReady = "$READY";
constexpr std::string_view kFailed = "$FAILED";
std::atomic<unsigned> next_pipe_id{0};
}  // namespace

void signal_ready(zmq::socket_t& pipe) { pipe.send(zmq::buffer(kReady), zmq::send_flags::none); }

void signal_failed(zmq::socket_t& pipe, const std::string& reason) {
    pipe.send(zmq::buffer(kFailed), zmq::send_flags::sndmore);
    pipe.send(zmq::buffer(reason), zmq::send_flags::none);
}

Actor::Actor(zmq::context_t& ctx, std::string name, Body body)
    : name_(std::move(name)), pipe_(ctx, zmq::socket_type::pair) {
    const std::string endpoint = "inproc://actor-" + std::to_string(next_pipe_id++) + "-" + name_;
    // A pipe never drops or blocks on a burst: the actors on both ends are ours
    // and bounded by what they are asked to do.
    pipe_.set(zmq::sockopt::linger, 0);
    pipe_.set(zmq::sockopt::sndhwm, 0);
    pipe_.set(zmq::sockopt::rcvhwm, 0);
    pipe_.bind(endpoint);
    thread_ = std::thread([&ctx, endpoint, body = std::move(body), name = name_] {
        // Named so that top -H, perf and /proc/PID/task/*/comm tell the
        // actors apart (the kernel keeps 15 characters).
        (void)::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
        zmq::socket_t child(ctx, zmq::socket_type::pair);
        child.set(zmq::sockopt::linger, 0);
        child.set(zmq::sockopt::sndhwm, 0);
        child.set(zmq::sockopt::rcvhwm, 0);
        child.connect(endpoint);
        try {
            body(child);
        } catch (const std::exception& e) {
            // Before ready this reaches the constructor; after ready the parent
            // sees the pipe message as an actor failure.
            logging::error(name, "stopped by error: ", e.what());
            try {
                signal_failed(child, e.what());
            } catch (...) {
            }
        }
    });
    zmq::message_t first;
    if (!pipe_.recv(first)) throw std::runtime_error(name_ + ": no ready signal");
    if (first.to_string_view() == kFailed) {
        zmq::message_t reason;
        (void)pipe_.recv(reason);
        thread_.join();
        throw std::runtime_error(reason.to_string());
    }
}

Actor::~Actor() {
    try {
        pipe_.send(zmq::buffer(std::string_view(kTerm)), zmq::send_flags::dontwait);
    } catch (...) {
    }
    if (thread_.joinable()) thread_.join();
}

}  // namespace p2p::actors
