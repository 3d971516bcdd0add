#pragma once
// The transfer engine: one actor that serves pieces (PieceServer on the
// node's ROUTER) and runs every download (a DEALER per source, the piece
// picker, request windows), with PieceWorkers hashing and writing pieces
// off its thread. Serving and downloading share one owner on purpose: a
// download's verified pieces are served the moment they are stored, with no
// cross-thread state. Pipe protocol: engine_protocol.hpp.
#include <memory>
#include <string>

#include <zmq.hpp>

#include "actors/actor.hpp"
#include "actors/curve.hpp"

namespace p2p::node {

struct EngineConfig {
    std::string endpoint;     // IP:PORT to serve on
    std::size_t window = 12;  // piece requests in flight per source (6 MiB: enough for 100 MB/s at 50 ms RTT)
    std::size_t budget = 12;  // ... and per download, over all its sources (request_credit.hpp)
    std::size_t workers = 2;
    // TCP connections to each source. With CURVE, libzmq encrypts and
    // decrypts a connection's messages on the I/O thread that owns it: two
    // connections (and two I/O threads, node/main.cpp) spread that work over
    // both cores.
    std::size_t connections_per_source = 1;
    int io_threads = 1;  // the context's; a connection's affinity picks one of them
    uint64_t upload_limit = 0;  // bytes/s served, 0 = no cap
    actors::Security security;  // CURVE keys of this node; none: plain mode
    // --events: publish download events and the ROUTER's socket events
    // ("peers", and "peers-sealed" for the sealed-piece ROUTER) to the
    // process's EventPublisher (actors/event_publisher.hpp): a monitored
    // socket nobody reads stalled the transfers (seen).
    bool events = false;
    std::string process;  // how the events name this node
};

// Throws (with the reason) when the endpoint cannot be bound.
std::unique_ptr<actors::Actor> start_engine(zmq::context_t& ctx, const EngineConfig& config);

}  // namespace p2p::node
