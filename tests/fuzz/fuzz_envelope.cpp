// Every message as it arrives from another process: decode_envelope, then
// Envelope::as<T>() for the kind it names, then the checks the receiver runs
// on it. Whatever decodes must survive the trip the tracker gives it (decoded,
// encoded again into the journal or to other nodes, decoded there): encoding
// the decoded value and decoding that again must give the same encoding.
#include "fuzz_support.hpp"
#include "messages/envelope.hpp"
#include "messages/file_meta.hpp"
#include "messages/file_protocol.hpp"
#include "messages/names.hpp"
#include "messages/peer_protocol.hpp"
#include "messages/process_events.hpp"
#include "messages/replication_protocol.hpp"
#include "messages/ticket.hpp"
#include "messages/tracker_events.hpp"
#include "messages/tracker_info.hpp"
#include "messages/tracker_protocol.hpp"
#include "node/transfer/bitfield.hpp"
#include "tracker/core/commands.hpp"

using namespace p2p;

namespace {

// A fixed key: signatures in the inputs are garbage, but check_ticket must
// refuse them without reading out of bounds, whatever their length.
const std::string& tracker_public_key() {
    static const std::string key = ticket_key_from_private(std::string(32, '\x42')).public_key;
    return key;
}

// A fixed clock: the same input must take the same path on every run.
void check_ticket_of(const msg::Ticket& ticket, const std::string& file_id) {
    constexpr uint64_t kNow = 1'700'000'000;
    (void)check_ticket(tracker_public_key(), ticket, file_id, kNow);
    (void)check_ticket(tracker_public_key(), ticket, ticket.file_id, 0);
}

void check_meta_of(const files::FileMeta& meta) {
    if (!files::check_meta(meta)) return;
    // What a valid meta promises the code that then trusts it.
    const uint64_t pieces = files::num_pieces(meta.size, meta.piece_size);
    FUZZ_CHECK(pieces == meta.piece_hashes.size(), "check_meta passed a wrong piece count");
    uint64_t total = 0;
    for (uint64_t i = 0; i < pieces; ++i) total += files::piece_length(meta, i);
    FUZZ_CHECK(total == meta.size, "piece lengths do not add up to the size");
    FUZZ_CHECK(files::piece_length(meta, pieces) == 0, "a piece past the end has bytes");
}

void check_endpoint(const std::string& endpoint) { (void)parse_host_port(endpoint); }

// What the receiving side checks of each message, as far as it is pure.
template <class T>
void validate(const T&) {}
void validate(const msg::CreateUser& m) {
    (void)check_name("user", m.user);
    (void)check_password(m.password);
}
void validate(const msg::Login& m) {
    (void)check_name("user", m.user);
    (void)check_password(m.password);
    (void)check_name("node id", m.node_id);
    check_endpoint(m.endpoint);
}
void validate(const msg::CreateGroup& m) { (void)check_name("group", m.group); }
void validate(const msg::JoinGroup& m) { (void)check_name("group", m.group); }
void validate(const msg::AcceptRequest& m) {
    (void)check_name("group", m.group);
    (void)check_name("user", m.user);
}
void validate(const msg::ShareFile& m) { check_meta_of(m.meta); }
void validate(const msg::StopShare& m) { (void)check_file_name(m.name); }
void validate(const msg::FileDetails& m) {
    check_meta_of(m.meta);
    for (const auto& s : m.sources) check_endpoint(s.endpoint);
    check_ticket_of(m.ticket, m.meta.file_id);
}
void validate(const msg::SourceList& m) {
    for (const auto& s : m.sources) check_endpoint(s.endpoint);
    check_ticket_of(m.ticket, m.ticket.file_id);
}
void validate(const msg::HaveRequest& m) { check_ticket_of(m.ticket, m.ticket.file_id); }
void validate(const msg::PieceRequest& m) { check_ticket_of(m.ticket, m.ticket.file_id); }
void validate(const msg::HaveReply& m) {
    // The downloader knows the piece count; every count that fits the bytes.
    const std::size_t bits = m.bitfield.size() * 8;
    for (std::size_t n = bits >= 7 ? bits - 7 : 0; n <= bits; ++n) (void)transfer::Bitfield::from_bytes(m.bitfield, n);
}
void validate(const msg::TrackerEvent& m) {
    (void)check_name("group", m.group);
    (void)check_file_name(m.file);
}

template <class T>
void check(const Envelope& env) {
    auto value = env.as<T>();
    if (!value) return;
    validate(*value);

    const std::string once = encode(env.request_id(), *value);
    auto again = decode_envelope(once);
    FUZZ_CHECK(again.ok(), "re-encoded " + std::string(kind_name(T::kind)) + " does not decode: " + again.error());
    FUZZ_CHECK(again->kind() == T::kind && again->request_id() == env.request_id(), "kind or request id changed");
    auto value_again = again->template as<T>();
    FUZZ_CHECK(value_again.ok(), "re-encoded " + std::string(kind_name(T::kind)) +
                                     " does not convert: " + value_again.error());
    FUZZ_CHECK(encode(env.request_id(), *value_again) == once, "decode(encode(x)) differs from x");
}

// No default: a new Kind fails to compile here (-Wswitch) until it is fuzzed.
void dispatch(const Envelope& env) {
    switch (env.kind()) {
        case Kind::Ok: return check<msg::Ok>(env);
        case Kind::Error: return check<msg::Error>(env);
        case Kind::Hello: return check<msg::Hello>(env);
        case Kind::HelloOk: return check<msg::HelloOk>(env);
        case Kind::CreateUser: return check<msg::CreateUser>(env);
        case Kind::Login: return check<msg::Login>(env);
        case Kind::LoginOk: return check<msg::LoginOk>(env);
        case Kind::Logout: return check<msg::Logout>(env);
        case Kind::CreateGroup: return check<msg::CreateGroup>(env);
        case Kind::JoinGroup: return check<msg::JoinGroup>(env);
        case Kind::LeaveGroup: return check<msg::LeaveGroup>(env);
        case Kind::ListRequests: return check<msg::ListRequests>(env);
        case Kind::UserList: return check<msg::UserList>(env);
        case Kind::AcceptRequest: return check<msg::AcceptRequest>(env);
        case Kind::RejectRequest: return check<msg::RejectRequest>(env);
        case Kind::ListGroups: return check<msg::ListGroups>(env);
        case Kind::GroupList: return check<msg::GroupList>(env);
        case Kind::Heartbeat: return check<msg::Heartbeat>(env);
        case Kind::ShareFile: return check<msg::ShareFile>(env);
        case Kind::StopShare: return check<msg::StopShare>(env);
        case Kind::ListFiles: return check<msg::ListFiles>(env);
        case Kind::FileList: return check<msg::FileList>(env);
        case Kind::GetFile: return check<msg::GetFile>(env);
        case Kind::FileDetails: return check<msg::FileDetails>(env);
        case Kind::GetSources: return check<msg::GetSources>(env);
        case Kind::SourceList: return check<msg::SourceList>(env);
        case Kind::HaveRequest: return check<msg::HaveRequest>(env);
        case Kind::HaveReply: return check<msg::HaveReply>(env);
        case Kind::PieceRequest: return check<msg::PieceRequest>(env);
        case Kind::PieceReply: return check<msg::PieceReply>(env);
        case Kind::TrackerEvent: return check<msg::TrackerEvent>(env);
        case Kind::StoredCreateUser: return check<tracker::StoredCreateUser>(env);
        case Kind::StoredOpenSession: return check<tracker::StoredOpenSession>(env);
        case Kind::StoredCloseSession: return check<tracker::StoredCloseSession>(env);
        case Kind::NotPrimary: return check<msg::NotPrimary>(env);
        case Kind::TrackerRole: return check<msg::TrackerRole>(env);
        case Kind::ProcessEvent: return check<msg::ProcessEvent>(env);
        case Kind::JournalEntry: return check<tracker::JournalEntry>(env);
        case Kind::PeerStatus: return check<msg::PeerStatus>(env);
        case Kind::SyncRequest: return check<msg::SyncRequest>(env);
        case Kind::SyncSnapshot: return check<msg::SyncSnapshot>(env);
        case Kind::SyncRecord: return check<msg::SyncRecord>(env);
        case Kind::SyncAck: return check<msg::SyncAck>(env);
    }
    FUZZ_CHECK(false, "decode_envelope let through an unknown kind");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    auto env = decode_envelope(data, size);
    if (!env) return 0;
    FUZZ_CHECK(is_known_kind(static_cast<uint16_t>(env->kind())), "unknown kind decoded");
    dispatch(*env);
    // A receiver expecting another kind must get a Failure, not a converted body.
    if (env->kind() != Kind::Ok) FUZZ_CHECK(!env->as<msg::Ok>().ok(), "as<T>() of the wrong kind succeeded");
    return 0;
}
