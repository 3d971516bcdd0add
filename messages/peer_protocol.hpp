#pragma once
// Peer wire, protocol version 1: a downloader's DEALER talks to another
// node's piece server (ROUTER on the IP:PORT the node was started with).
//
//   C:HaveRequest    ( S:HaveReply / S:Error )        which pieces do you have?
//   C:PieceRequest   ( S:PieceReply + [bytes] / S:Error )
//
// Every request carries the tracker's ticket for (user, group, file); the
// server checks its signature, expiry and file before reading a byte. A
// PieceReply is two frames: the envelope, then the piece bytes as their own
// frame (never packed inside msgpack, so they are read from disk straight
// into the outgoing message and hashed in place on arrival).
//
// Credit-based flow control (the ZeroMQ guide's file-transfer pattern): the
// downloader keeps a fixed window of PieceRequests in flight per source and
// sends one more for each piece that arrives. Cancelling a duplicate in the
// endgame is just forgetting it: a late copy is dropped on arrival.
#include <cstdint>
#include <string>

#include <msgpack.hpp>

#include "messages/file_protocol.hpp"
#include "messages/kind.hpp"

namespace p2p::msg {

inline constexpr uint32_t kPeerProtocolVersion = 1;

struct HaveRequest {
    static constexpr Kind kind = Kind::HaveRequest;
    uint32_t protocol = kPeerProtocolVersion;
    Ticket ticket;
    MSGPACK_DEFINE_MAP(protocol, ticket);
};

struct HaveReply {
    static constexpr Kind kind = Kind::HaveReply;
    std::string file_id;
    std::string bitfield;  // MSB first, one bit per piece
    MSGPACK_DEFINE_MAP(file_id, bitfield);
};

struct PieceRequest {
    static constexpr Kind kind = Kind::PieceRequest;
    uint32_t protocol = kPeerProtocolVersion;
    Ticket ticket;
    uint32_t index = 0;
    MSGPACK_DEFINE_MAP(protocol, ticket, index);
};

struct PieceReply {
    static constexpr Kind kind = Kind::PieceReply;
    std::string file_id;
    uint32_t index = 0;
    MSGPACK_DEFINE_MAP(file_id, index);
};

}  // namespace p2p::msg
