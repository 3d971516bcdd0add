#pragma once
// Serves pieces to other members (the ROUTER on the node's IP:PORT). Owned
// by the transfer engine's thread: the bitfields of files still downloading
// are updated there as pieces are verified, so a downloader serves every
// verified piece at once and no lock is needed.
//
// A request is answered only with a valid ticket from the tracker for that
// file; pieces are read with pread straight into the outgoing message.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "actors/curve.hpp"

#include "messages/file_meta.hpp"
#include "messages/file_protocol.hpp"
#include "node/transfer/bitfield.hpp"

namespace p2p::node {

struct ServedFile {
    std::string group;
    std::string path;
    files::FileMeta meta;
    int fd = -1;
    bool owns_fd = false;
    transfer::Bitfield have;
    uint64_t pieces_served = 0;
    uint64_t pieces_sealed = 0;  // of those, sealed with the requester's key (piece_seal.hpp)
    transfer::Bitfield sent{0};  // pieces served at least once (HaveReply::sent); sized on first use
};

class PieceServer {
public:
    explicit PieceServer(zmq::socket_t& router) : router_(router) {}
    ~PieceServer();

    void set_ticket_key(std::string key) { ticket_key_ = std::move(key); }
    // The plain ROUTER for sealed pieces (peer_protocol.hpp) and the port
    // HaveReplies name; none in plain mode.
    void set_sealed_channel(zmq::socket_t& data_router, uint32_t port) {
        data_router_ = &data_router;
        data_port_ = port;
    }
    // Nothing but sealed bytes is meant to flow on the data ROUTER, and only
    // outwards: what arrives there is read and dropped.
    void discard_data_router_input();
    // A user who left a group: tickets already issued to them for it are refused
    // from now on, though still signed and unexpired (the tracker issues no new ones).
    void set_revoked(const std::string& group, const std::string& user, bool revoked) {
        if (revoked) {
            revoked_.insert(group + '\n' + user);
        } else {
            revoked_.erase(group + '\n' + user);
        }
    }
    // Opens path; an error text when it cannot be read.
    std::string serve_complete(const std::string& group, const std::string& path, const files::FileMeta& meta);
    // A download in progress: fd belongs to the download.
    void serve_partial(const std::string& group, const std::string& path, const files::FileMeta& meta, int fd,
                       const transfer::Bitfield& have);
    void mark_have(const std::string& group, const std::string& file_id, uint32_t index);
    void unserve(const std::string& group, const std::string& file_id);
    void unserve_all();

    void handle_router();
    // Optional upload cap (bytes/s, 0 = none): requests past it wait, served
    // round-robin across requesters as the budget refills (drain()).
    void set_upload_limit(uint64_t bytes_per_s) { limit_ = bytes_per_s; }
    void drain();
    bool has_queue() const { return !queue_.empty(); }
    std::vector<std::string> upload_lines() const;
    uint64_t malformed() const { return malformed_; }

private:
    void handle_request(const std::string& rid, const zmq::message_t& frame);
    std::string requester_key_;  // CURVE key of the request being handled ("" in plain mode)
    struct QueuedPiece {
        std::string rid;
        uint64_t request_id = 0;
        std::string file_key;  // key(group, file id)
        uint32_t index = 0;
        std::string channel;   // the requester's plain DEALER, "" to answer on rid
        std::string seal_key;  // "" for an unsealed reply
    };
    void send_piece(const QueuedPiece& q);
    bool send_on_channel(const std::string& channel, const std::string& header, zmq::message_t& bytes);
    bool budget_allows(uint32_t bytes);
    void reply_error(const std::string& rid, uint64_t request_id, const std::string& code, const std::string& text);
    bool ticket_ok(const std::string& rid, uint64_t request_id, const msg::Ticket& ticket);

    zmq::socket_t& router_;
    zmq::socket_t* data_router_ = nullptr;
    uint32_t data_port_ = 0;
    std::string ticket_key_;
    // By group and file id: the same file shared in two groups is two
    // entries, each answering only tickets for its own group.
    static std::string key(const std::string& group, const std::string& file_id) { return group + '\0' + file_id; }
    std::unordered_map<std::string, ServedFile> files_;
    std::map<std::string, uint64_t> good_signatures_;    // signature -> expiry: checked once
    std::set<std::string> revoked_;                      // "group\nuser" of members who left
    uint64_t malformed_ = 0;
    uint64_t limit_ = 0;
    double budget_ = 0;
    std::chrono::steady_clock::time_point budget_time_ = std::chrono::steady_clock::now();
    // Waiting requests per requester, served round-robin so that one peer's
    // full window cannot starve the others.
    std::map<std::string, std::deque<QueuedPiece>> queue_;
    std::deque<std::string> turn_;
};

}  // namespace p2p::node
