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
//
// Sealed pieces (piece_seal.hpp). With CURVE, a piece server also binds a
// plain ROUTER (no CURVE) on a port of its own and names it in HaveReply's
// data_port. The downloader connects a DEALER there with a random routing id
// (its channel), and sends, in each PieceRequest on the CURVE connection,
// that channel and a random AES-256-GCM key of its own for this source. The
// server answers on the channel: the PieceReply carries the nonce, and the
// bytes frame is the piece sealed under that key. The CURVE connection still
// authenticates every request (ticket holder = the requester's CURVE key);
// the plain connection only carries bytes the requester alone can open, and
// whatever arrives on the plain ROUTER is discarded. If the channel is not
// connected (yet), the sealed reply goes back on the CURVE connection. A
// downloader accepts only sealed pieces on the plain connection. Nodes that
// predate this ignore the new fields: their replies come unsealed over CURVE.
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
    uint32_t data_port = 0;  // the server's sealed-piece ROUTER, same host; 0: none (plain mode)
    // Pieces this server has already sent to some downloader, same form as
    // bitfield; "" when none. A downloader asks for these last: another
    // downloader has them or soon will, and can pass them on, so the source's
    // upload goes to pieces nobody is getting yet (a swarm's seeder otherwise
    // sent 1.19-1.31 copies of the file, docs/bench.md "bench swarm").
    std::string sent;
    MSGPACK_DEFINE_MAP(file_id, bitfield, data_port, sent);
};

struct PieceRequest {
    static constexpr Kind kind = Kind::PieceRequest;
    uint32_t protocol = kPeerProtocolVersion;
    Ticket ticket;
    uint32_t index = 0;
    std::string channel;   // routing id of the requester's plain DEALER; "" = answer here, unsealed
    std::string seal_key;  // kSealKeyBytes, chosen by the requester for this source
    MSGPACK_DEFINE_MAP(protocol, ticket, index, channel, seal_key);
};

struct PieceReply {
    static constexpr Kind kind = Kind::PieceReply;
    std::string file_id;
    uint32_t index = 0;
    std::string nonce;  // kSealNonceBytes when the bytes frame is sealed, else ""
    MSGPACK_DEFINE_MAP(file_id, index, nonce);
};

}  // namespace p2p::msg
