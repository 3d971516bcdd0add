// The actor runtime (actors/actor.hpp, actors/loop.hpp) with real inproc
// sockets and pipe(2) file descriptors. Timer tests assert order and counts,
// never wall-clock durations; every loop has a guard timer that stops it (and
// fails the test) instead of hanging.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "actors/actor.hpp"
#include "actors/loop.hpp"

using namespace p2p::actors;
using namespace std::chrono_literals;

namespace {

// A child that sends every pipe message back as it came.
void echo_body(zmq::socket_t& pipe) {
    Loop loop;
    loop.on_pipe(pipe, [&](zmq::multipart_t& msg) { (void)msg.send(pipe); });
    signal_ready(pipe);
    loop.run();
}

// Stops the loop (and records it) if the test's own stop never comes.
struct Guard {
    bool fired = false;
    explicit Guard(Loop& loop) {
        loop.after(2000ms, [this, &loop] {
            fired = true;
            loop.stop();
        });
    }
};

struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(::pipe(fds) == 0); }
    ~Pipe() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    int r() const { return fds[0]; }
    void put(char c) const { REQUIRE(::write(fds[1], &c, 1) == 1); }
    char take() const {
        char c = 0;
        REQUIRE(::read(fds[0], &c, 1) == 1);
        return c;
    }
};

}  // namespace

TEST_CASE("actor: messages on the pipe arrive in order, frames intact", "[actor]") {
    zmq::context_t ctx;
    Actor echo(ctx, "echo", echo_body);
    echo.pipe().set(zmq::sockopt::rcvtimeo, 2000);
    CHECK(echo.name() == "echo");

    SECTION("N single-frame messages come back in order") {
        constexpr int N = 500;
        for (int i = 0; i < N; ++i) {
            REQUIRE(echo.pipe().send(zmq::buffer("m" + std::to_string(i)), zmq::send_flags::none));
        }
        for (int i = 0; i < N; ++i) {
            zmq::message_t reply;
            REQUIRE(echo.pipe().recv(reply));
            REQUIRE(reply.to_string() == "m" + std::to_string(i));
        }
    }
    SECTION("a multipart message comes back whole, even one that starts with $TERM") {
        zmq::multipart_t out;
        out.addstr(kTerm);
        out.addstr("not a stop: two frames");
        out.addstr(std::string("\0bin", 4));
        REQUIRE(out.send(echo.pipe()));
        zmq::multipart_t back;
        REQUIRE(back.recv(echo.pipe()));
        REQUIRE(back.size() == 3);
        CHECK(back[0].to_string() == kTerm);
        CHECK(back[1].to_string() == "not a stop: two frames");
        CHECK(back[2].to_string() == std::string("\0bin", 4));
        // Still alive afterwards.
        REQUIRE(echo.pipe().send(zmq::buffer(std::string("ping")), zmq::send_flags::none));
        zmq::message_t reply;
        REQUIRE(echo.pipe().recv(reply));
        CHECK(reply.to_string() == "ping");
    }
}

TEST_CASE("actor: the constructor returns after ready, the destructor stops the thread", "[actor]") {
    zmq::context_t ctx;
    std::atomic<int> ready{0}, exited{0};
    auto body = [&](zmq::socket_t& pipe) {
        Loop loop;
        loop.on_pipe(pipe, [](zmq::multipart_t&) {});
        ready++;
        signal_ready(pipe);
        loop.run();
        exited++;
    };
    for (int i = 0; i < 50; ++i) {
        {
            Actor a(ctx, "a" + std::to_string(i), body);
            REQUIRE(ready == i + 1);  // the body got past its set-up before we returned
            REQUIRE(exited == i);
        }
        REQUIRE(exited == i + 1);  // the destructor joined a thread whose loop ended
    }
}

TEST_CASE("actor: a failure before ready makes the constructor throw the child's reason", "[actor]") {
    zmq::context_t ctx;

    SECTION("signal_failed") {
        CHECK_THROWS_WITH(Actor(ctx, "f", [](zmq::socket_t& pipe) { signal_failed(pipe, "port 7000 in use"); }),
                          "port 7000 in use");
    }
    SECTION("an exception") {
        CHECK_THROWS_WITH(
            Actor(ctx, "t", [](zmq::socket_t&) -> void { throw std::runtime_error("cannot open journal"); }),
            "cannot open journal");
    }
    SECTION("the context stays usable: a healthy actor starts afterwards") {
        CHECK_THROWS(Actor(ctx, "f", [](zmq::socket_t& pipe) { signal_failed(pipe, "no"); }));
        Actor echo(ctx, "echo", echo_body);
        echo.pipe().set(zmq::sockopt::rcvtimeo, 2000);
        REQUIRE(echo.pipe().send(zmq::buffer(std::string("hi")), zmq::send_flags::none));
        zmq::message_t reply;
        REQUIRE(echo.pipe().recv(reply));
        CHECK(reply.to_string() == "hi");
    }
    SECTION("an exception after ready reaches the parent as $FAILED on the pipe") {
        Actor late(ctx, "late", [](zmq::socket_t& pipe) {
            signal_ready(pipe);
            throw std::runtime_error("disk full");
        });
        late.pipe().set(zmq::sockopt::rcvtimeo, 2000);
        zmq::multipart_t msg;
        REQUIRE(msg.recv(late.pipe()));
        REQUIRE(msg.size() == 2);
        CHECK(msg[0].to_string() == "$FAILED");
        CHECK(msg[1].to_string() == "disk full");
    }
}

TEST_CASE("loop: after() fires once", "[loop]") {
    Loop loop;
    Guard guard(loop);
    int fired = 0;
    loop.after(1ms, [&] { ++fired; });
    loop.after(30ms, [&] { loop.stop(); });
    loop.run();
    CHECK_FALSE(guard.fired);
    CHECK(fired == 1);
    CHECK_FALSE(loop.running());
}

TEST_CASE("loop: timers fire in the order they fall due", "[loop]") {
    Loop loop;
    Guard guard(loop);
    std::vector<std::string> order;
    // Registered late-first, so that id order is not due order.
    loop.after(50ms, [&] { order.push_back("50ms"); });
    loop.after(5ms, [&] { order.push_back("5ms"); });
    loop.after(80ms, [&] {
        order.push_back("stop");
        loop.stop();
    });
    loop.run();
    CHECK_FALSE(guard.fired);
    CHECK(order == std::vector<std::string>{"5ms", "50ms", "stop"});
}

TEST_CASE("loop: overdue timers fire in the order they fell due", "[loop]") {
    // Known issue: Loop::fire_due_timers walks timers_ in id (registration)
    // order, so when several are overdue at once (the loop was busy) a later
    // deadline registered first fires before an earlier one.
    Loop loop;
    Guard guard(loop);
    std::vector<std::string> order;
    loop.after(20ms, [&] { order.push_back("20ms"); });
    loop.after(5ms, [&] { order.push_back("5ms"); });
    std::this_thread::sleep_for(30ms);  // both overdue before the loop starts
    loop.after(10ms, [&] { loop.stop(); });
    loop.run();
    CHECK_FALSE(guard.fired);
    CHECK(order == std::vector<std::string>{"5ms", "20ms"});
}

TEST_CASE("loop: every() fires repeatedly until cancelled", "[loop]") {
    Loop loop;
    Guard guard(loop);
    int ticks = 0;

    SECTION("repeats") {
        loop.every(1ms, [&] {
            if (++ticks == 5) loop.stop();
        });
        loop.run();
        CHECK_FALSE(guard.fired);
        CHECK(ticks == 5);
    }
    SECTION("cancel from its own handler stops it") {
        Loop::TimerId id = 0;
        id = loop.every(1ms, [&] {
            if (++ticks == 3) loop.cancel(id);
        });
        loop.after(40ms, [&] { loop.stop(); });
        loop.run();
        CHECK_FALSE(guard.fired);
        CHECK(ticks == 3);
    }
    SECTION("cancel from another timer stops it") {
        auto id = loop.every(1ms, [&] { ++ticks; });
        int at_cancel = -1;
        loop.after(15ms, [&] {
            loop.cancel(id);
            at_cancel = ticks;
        });
        loop.after(50ms, [&] { loop.stop(); });
        loop.run();
        CHECK_FALSE(guard.fired);
        CHECK(at_cancel >= 1);
        CHECK(ticks == at_cancel);
    }
    SECTION("a one-shot cancelled before it falls due never fires") {
        auto id = loop.after(5ms, [&] { ++ticks; });
        loop.cancel(id);
        loop.after(30ms, [&] { loop.stop(); });
        loop.run();
        CHECK_FALSE(guard.fired);
        CHECK(ticks == 0);
    }
}

TEST_CASE("loop: on_fd fires when a file descriptor becomes readable", "[loop]") {
    Loop loop;
    Guard guard(loop);
    Pipe p;
    std::string got;

    SECTION("bytes written later, from a timer") {
        int writes = 0;
        loop.every(2ms, [&] {
            if (writes < 3) p.put(static_cast<char>('a' + writes++));
        });
        loop.on_fd(p.r(), [&] {
            got += p.take();
            if (got.size() == 3) loop.stop();
        });
        loop.run();
        CHECK_FALSE(guard.fired);
        CHECK(got == "abc");
    }
    SECTION("bytes written from another thread wake a loop blocked in poll") {
        loop.on_fd(p.r(), [&] {
            got += p.take();
            loop.stop();
        });
        std::thread writer([&] {
            std::this_thread::sleep_for(10ms);
            char c = 'z';
            (void)!::write(p.fds[1], &c, 1);
        });
        loop.run();
        writer.join();
        CHECK_FALSE(guard.fired);
        CHECK(got == "z");
    }
    SECTION("remove_fd from its own handler: no more calls though bytes remain") {
        p.put('1');
        p.put('2');
        int calls = 0;
        loop.on_fd(p.r(), [&] {
            ++calls;
            got += p.take();
            loop.remove_fd(p.r());
        });
        loop.after(30ms, [&] { loop.stop(); });
        loop.run();
        CHECK_FALSE(guard.fired);
        CHECK(calls == 1);
        CHECK(got == "1");
    }
}

TEST_CASE("loop: a watch removed by an earlier handler is not called in the same round", "[loop]") {
    // Known issue: Loop::run copies the handlers of every ready watch before
    // calling any, so a handler that removes another watch (say, to close
    // that socket) cannot stop it from being called once more.
    Loop loop;
    Guard guard(loop);
    Pipe first, second;
    first.put('x');
    second.put('y');
    int second_calls = 0;
    loop.on_fd(first.r(), [&] {
        first.take();
        loop.remove_fd(second.r());
    });
    loop.on_fd(second.r(), [&] {
        ++second_calls;
        second.take();
    });
    loop.after(30ms, [&] { loop.stop(); });
    loop.run();
    CHECK_FALSE(guard.fired);
    CHECK(second_calls == 0);
}
