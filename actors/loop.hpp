#pragma once
// The poll loop every actor runs: sockets, plain file descriptors (stdin, a
// signal pipe) and timers, on one thread. Handlers run one at a time, so an
// actor's state needs no lock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace p2p::actors {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

class Loop {
public:
    using Handler = std::function<void()>;
    using TimerId = uint64_t;

    // Calls handler whenever the socket is readable. The handler should drain
    // what it wants; the loop polls again after it returns.
    void on(zmq::socket_ref socket, Handler handler);
    void on_fd(int fd, Handler handler);
    void remove(zmq::socket_ref socket);
    void remove_fd(int fd);

    // The actor's pipe: "$TERM" stops the loop; other messages go to handler.
    void on_pipe(zmq::socket_ref pipe, std::function<void(zmq::multipart_t&)> handler);

    TimerId after(Millis delay, Handler handler);
    TimerId every(Millis interval, Handler handler);
    void cancel(TimerId id);

    void run();   // until stop()
    void stop() { running_ = false; }
    bool running() const { return running_; }

private:
    struct Watch {
        uint64_t id = 0;
        zmq::socket_ref socket;
        int fd = -1;
        Handler handler;
    };
    struct Timer {
        Clock::time_point due;
        Millis interval{0};  // 0: fire once
        Handler handler;
    };
    void fire_due_timers();
    long poll_timeout_ms() const;

    bool watching(uint64_t id) const;

    std::vector<Watch> watches_;
    uint64_t next_watch_ = 1;
    std::map<TimerId, Timer> timers_;
    TimerId next_timer_ = 1;
    bool running_ = false;
};

}  // namespace p2p::actors
