#pragma once
// Inside the tracker actor (tracker_server.hpp is its face). Requests and
// the durable outbox are in tracker_server.cpp, replication in replication.cpp.
#include <chrono>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>

#include <zmq.hpp>

#include "actors/loop.hpp"
#include "messages/envelope.hpp"
#include "messages/publish_stamp.hpp"
#include "messages/replication_protocol.hpp"
#include "messages/ticket.hpp"
#include "tracker/core/audience.hpp"
#include "tracker/core/machine.hpp"
#include "tracker/core/role.hpp"
#include "tracker/durable_outbox.hpp"
#include "tracker/journal_actor.hpp"
#include "tracker/monitor_keys.hpp"
#include "tracker/password_hasher.hpp"
#include "tracker/replication_link.hpp"
#include "tracker/tracker_server.hpp"

namespace p2p::tracker {

using actors::Clock;

// A create_user or login waiting for its password hash.
struct HashWait {
    std::string routing_id;
    uint64_t request_id = 0;
    std::string origin;
    std::string key;  // the CURVE key it came from
    bool is_login = false;
    msg::CreateUser create;
    msg::Login login;
    std::string salt;
    std::string stored_hash;
    uint32_t iterations = 0;
};

struct Counters {
    uint64_t requests = 0;
    uint64_t malformed = 0;
    uint64_t refused = 0;
    uint64_t commands = 0;
    uint64_t fsyncs = 0;
    uint64_t replayed = 0;   // retried requests answered from the remembered reply
    uint64_t not_primary = 0;
};

// A standby this primary streams to.
struct Follower {
    std::string routing_id;
    uint64_t acked = 0;  // every record up to here is on its disk
    Clock::time_point heard;
    Clock::time_point progress;  // last time it was caught up or its ack moved
};

class Server {
public:
    Server(zmq::context_t& ctx, const TrackerConfig& config, zmq::socket_t& pipe);
    void run();

private:
    // tracker_server.cpp: requests, commits, replies.
    void recover();
    void handle_pipe(zmq::multipart_t& m);
    std::string status_text();
    void handle_router();
    template <class T, class F>
    void with(const Envelope& env, const std::string& rid, F&& handler);
    void handle_request(const std::string& rid, const zmq::message_t& frame);
    void hello(const std::string& rid, uint64_t req, const msg::Hello& h);
    Reply with_ticket(Reply reply) const;
    void create_user(const std::string& rid, uint64_t req, const msg::CreateUser& m);
    void login(const std::string& rid, uint64_t req, const msg::Login& m);
    bool replay_if_answered(const std::string& rid, uint64_t req);
    void submit_hash(HashWait wait, const std::string& password);
    void handle_hasher(std::size_t i);
    void heartbeat(const std::string& rid, uint64_t req, const msg::Heartbeat& m);
    void commit(const Command& command, const std::string& rid, uint64_t req);
    void record(uint64_t seq, const std::string& payload);
    void send_reply(const std::string& rid, uint64_t req, const Reply& reply, const std::vector<Event>& events = {});
    void send_error(const std::string& rid, uint64_t req, std::string code, std::string text);
    void send_now(const std::string& rid, const std::string& bytes);
    void deliver(OutgoingReply& out);
    void publish(const std::string& topic, const std::string& body);
    void handle_journal();
    void expire_sessions();
    std::string origin_of(const std::string& rid) const;
    std::optional<std::string> login_wait(const std::string& user, const std::string& key);
    void login_failed(const std::string& user, const std::string& key);

    // replication.cpp: roles, the stream, acks.
    void replication_tick();
    void apply_role_action(const RoleAction& action);
    void on_peer_message(PeerMessage& m);
    void on_status(const msg::PeerStatus& s, const std::string& routing_id);
    void on_sync_request(const msg::SyncRequest& r, const std::string& routing_id);
    void on_sync_ack(const msg::SyncAck& a);
    void on_snapshot(const msg::SyncSnapshot& s, const std::string& state_bytes);
    void on_record(const msg::SyncRecord& r);
    void request_sync();
    void stream(uint64_t seq, const std::string& payload);
    void release_outbox();
    void on_standby_durable(uint64_t durable);
    void save_role();
    std::string replication_status();

    TrackerConfig config_;
    zmq::socket_t& pipe_;
    zmq::socket_t router_;
    zmq::socket_t pub_;
    msg::PublishSequence pub_seq_;  // stamps what pub_ sends (publish_stamp.hpp)
    std::unique_ptr<JournalActor> journal_;
    PasswordHashers hashers_;
    actors::Loop loop_;
    TicketKey ticket_key_;

    State state_;
    uint64_t last_seq_ = 0;
    uint64_t snapshot_seq_ = 0;
    uint64_t local_durable_ = 0;
    std::size_t recovered_records_ = 0;
    DurableOutbox outbox_;
    std::unordered_map<std::string, std::string> greeted_;  // routing id -> node id from Hello
    std::map<uint64_t, HashWait> hash_waits_;
    uint64_t next_job_ = 1;
    std::map<std::string, Clock::time_point> last_seen_;
    std::unordered_map<std::string, std::string> routes_;  // session token -> routing id of its connection
    Counters counters_;
    std::string request_key_;  // the CURVE key of the request being handled ("" in plain mode)
    // Failed logins per "user:NAME" and per "key:KEY": after a few, each
    // further try waits longer (against password guessing).
    struct LoginFailures {
        uint32_t count = 0;
        Clock::time_point until{};
    };
    std::map<std::string, LoginFailures> login_failures_;

    // Replication.
    RoleMachine role_;
    std::unique_ptr<ReplicationLink> link_;
    std::map<uint32_t, Follower> followers_;  // primary: by tracker number
    uint64_t installed_seq_ = 0;              // standby: the seq of the snapshot it took last
    bool awaiting_snapshot_ = false;          // standby: asked for the stream, no snapshot yet
    bool install_pending_ = false;            // standby: has the snapshot, not yet on disk
    Clock::time_point sync_requested_{};
    Clock::time_point primary_ahead_since_{};  // standby: when its primary's seq got ahead of ours
    Clock::time_point last_status_sent_{};
};

}  // namespace p2p::tracker
