#pragma once
// --events ENDPOINT: a process publishes what happens to it (its main
// sockets' monitor events, a node's downloads) on a PUB socket for
// zmq-monitor. Wire format: messages/process_events.hpp; every message is
// stamped with this run's sequence (messages/publish_stamp.hpp).
//
// One actor. Inputs, in the process's context:
//   inproc://p2p.events        PULL  [topic][envelope] from any actor (EventSink)
//   inproc://p2p.monitor.NAME  PAIR  libzmq's socket monitor of socket NAME
//                                    (its owner called watch_socket)
// Output: a PUB bound at ENDPOINT. It lives in a ZeroMQ context of its own,
// with a ZAP handler of its own that admits only operator keys: the
// process's own key and the keys listed in DATA/monitor_keys (one Z85 key a
// line, read at each handshake, so adding one needs no restart). ipc://
// endpoints are plain: the socket file's permissions guard them.
//
// The PUB never blocks the process: a slow or absent reader loses events
// (the stamps show it), the publishing actors never wait.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "actors/actor.hpp"
#include "actors/curve.hpp"
#include "actors/zap_handler.hpp"

namespace p2p::actors {

struct EventsConfig {
    std::string endpoint;              // tcp://IP:PORT or ipc://PATH
    std::string process;               // who publishes: "tracker-1", "node-127.0.0.1:7000"
    Security security;                 // this process's keys; none: plain
    std::filesystem::path keys_file;   // DATA/monitor_keys
    std::vector<std::string> sockets;  // names the owners pass to watch_socket()
};

class EventPublisher {
public:
    // Binds before returning; throws with the reason when it cannot.
    EventPublisher(zmq::context_t& ctx, EventsConfig config);
    ~EventPublisher();

private:
    zmq::context_t own_ctx_;  // the PUB and its ZAP handler (declared first: outlives both)
    std::unique_ptr<ZapHandler> zap_;
    std::unique_ptr<Actor> actor_;
};

// Turns on libzmq's socket monitor for `socket`, read by the EventPublisher
// as socket NAME. Call it on the socket's own thread, before bind/connect.
void watch_socket(zmq::socket_t& socket, const std::string& name);

// How an actor publishes a process event: a PUSH to the EventPublisher.
// send() never blocks; without a publisher (no --events) it costs nothing.
class EventSink {
public:
    EventSink() = default;                 // disabled
    explicit EventSink(zmq::context_t& ctx);  // connected to inproc://p2p.events
    bool enabled() const { return push_ != nullptr; }
    void send(const std::string& topic, const std::string& envelope);

private:
    std::unique_ptr<zmq::socket_t> push_;
};


}  // namespace p2p::actors
