#pragma once
// The bench's side of the tracker RPC (messages/tracker_protocol.hpp): one
// connection per simulated node, either a libzmq DEALER or the raw-ZMTP
// DEALER of zmtp_conn.hpp (--client). Both are waited on with epoll: the
// libzmq socket through its ZMQ_FD (see ZmqConn::receive for why that is
// sound), the raw one through its TCP socket.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <msgpack.hpp>
#include <zmq.hpp>

#include "messages/envelope.hpp"
#include "messages/tracker_protocol.hpp"
#include "support.hpp"
#include "zmtp_conn.hpp"

namespace bench {

enum class ClientKind { zmq, zmtp };

using MessageHandler = std::function<void(const char* data, std::size_t size)>;

class Conn {
public:
    virtual ~Conn() = default;
    // Sends one message; false when it could not (the reason is in error()).
    virtual bool send(const char* data, std::size_t size) = 0;
    // The fd to wait on for EPOLLIN (level-triggered).
    virtual int wait_fd() = 0;
    // Hands every message that has arrived to on_message, without blocking.
    // False when the connection is broken.
    virtual bool receive(const MessageHandler& on_message) = 0;
    virtual std::string error() const = 0;
};

// ctx is only used (and must outlive the connection) for ClientKind::zmq.
std::unique_ptr<Conn> connect_tracker(ClientKind kind, zmq::context_t& ctx, const std::string& host, uint16_t port);

// One simulated node.
struct Client {
    std::unique_ptr<Conn> conn;
    std::string user;
    std::string node_id;
    std::string token;  // from LoginOk
    uint64_t next_request_id = 1;

    // Encodes body with a fresh request id into buf; returns the request id.
    template <class T>
    uint64_t encode(msgpack::sbuffer& buf, const T& body) {
        buf.clear();
        const uint64_t rid = next_request_id++;
        p2p::encode_into(buf, rid, body);
        return rid;
    }

    // Encodes body with a fresh request id into buf and sends it. Returns
    // the request id, or 0 when the send failed.
    template <class T>
    uint64_t send(msgpack::sbuffer& buf, const T& body) {
        const uint64_t rid = encode(buf, body);
        return conn->send(buf.data(), buf.size()) ? rid : 0;
    }
};

// The envelope's kind and request id, read straight off the first bytes
// ([kind, request_id, body] as msgpack). False when the frame does not start
// like an envelope.
bool peek_reply(const void* data, std::size_t size, p2p::Kind* kind, uint64_t* request_id);

// "Error code: text" for an Error reply, else the reply's kind name.
std::string describe_reply(const void* data, std::size_t size);

// Waits for the reply to rids[i] on clients[first + i], for every i. Throws
// SetupError naming `what` when a reply is not of kind `want` or `timeout`
// passes. Returns the replies in order.
std::vector<p2p::Envelope> await_replies(std::vector<Client>& clients, std::size_t first,
                                         const std::vector<uint64_t>& rids, p2p::Kind want, const std::string& what,
                                         std::chrono::milliseconds timeout);

// Sends make(i) from clients[i] for i in [first, first + count), all at
// once, then awaits the replies as above.
template <class T, class Make>
std::vector<p2p::Envelope> exchange_all(std::vector<Client>& clients, std::size_t first, std::size_t count, Make make,
                                        p2p::Kind want, const std::string& what, std::chrono::milliseconds timeout) {
    msgpack::sbuffer buf;
    std::vector<uint64_t> rids(count);
    for (std::size_t i = 0; i < count; ++i) {
        Client& c = clients[first + i];
        rids[i] = c.send(buf, T(make(first + i)));
        if (rids[i] == 0) {
            throw SetupError(what + ": cannot send on connection " + std::to_string(first + i) + ": " +
                             c.conn->error());
        }
    }
    return await_replies(clients, first, rids, want, what, timeout);
}

}  // namespace bench
