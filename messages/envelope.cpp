#include "messages/envelope.hpp"

#include "messages/bounded_unpack.hpp"
#include "messages/limits.hpp"

namespace p2p {

std::string_view kind_name(Kind k) {
    switch (k) {
        case Kind::Ok: return "Ok";
        case Kind::Error: return "Error";
        case Kind::Hello: return "Hello";
        case Kind::HelloOk: return "HelloOk";
        case Kind::CreateUser: return "CreateUser";
        case Kind::Login: return "Login";
        case Kind::LoginOk: return "LoginOk";
        case Kind::Logout: return "Logout";
        case Kind::CreateGroup: return "CreateGroup";
        case Kind::JoinGroup: return "JoinGroup";
        case Kind::LeaveGroup: return "LeaveGroup";
        case Kind::ListRequests: return "ListRequests";
        case Kind::UserList: return "UserList";
        case Kind::AcceptRequest: return "AcceptRequest";
        case Kind::RejectRequest: return "RejectRequest";
        case Kind::ListGroups: return "ListGroups";
        case Kind::GroupList: return "GroupList";
        case Kind::Heartbeat: return "Heartbeat";
        case Kind::ShareFile: return "ShareFile";
        case Kind::StopShare: return "StopShare";
        case Kind::ListFiles: return "ListFiles";
        case Kind::FileList: return "FileList";
        case Kind::GetFile: return "GetFile";
        case Kind::FileDetails: return "FileDetails";
        case Kind::GetSources: return "GetSources";
        case Kind::SourceList: return "SourceList";
        case Kind::NotPrimary: return "NotPrimary";
        case Kind::HaveRequest: return "HaveRequest";
        case Kind::HaveReply: return "HaveReply";
        case Kind::PieceRequest: return "PieceRequest";
        case Kind::PieceReply: return "PieceReply";
        case Kind::TrackerEvent: return "TrackerEvent";
        case Kind::StoredCreateUser: return "StoredCreateUser";
        case Kind::StoredOpenSession: return "StoredOpenSession";
        case Kind::StoredCloseSession: return "StoredCloseSession";
        case Kind::TrackerRole: return "TrackerRole";
        case Kind::ProcessEvent: return "ProcessEvent";
        case Kind::JournalEntry: return "JournalEntry";
        case Kind::PeerStatus: return "PeerStatus";
        case Kind::SyncRequest: return "SyncRequest";
        case Kind::SyncSnapshot: return "SyncSnapshot";
        case Kind::SyncRecord: return "SyncRecord";
        case Kind::SyncAck: return "SyncAck";
    }
    return "Unknown";
}

bool is_known_kind(uint16_t raw) { return kind_name(static_cast<Kind>(raw)) != "Unknown"; }

Result<Envelope> decode_envelope(const void* data, std::size_t size, std::size_t max_bytes) {
    if (size == 0) return fail("empty message");
    if (size > max_bytes) return fail("message too large");
    Envelope env;
    try {
        const msgpack::unpack_limit limit(limits::kMaxArray, limits::kMaxMap, limits::kMaxString,
                                          limits::kMaxBin, limits::kMaxExt, limits::kMaxDepth);
        std::size_t offset = 0;
        env.handle_ = unpack_bounded(static_cast<const char*>(data), size, offset, limit);
        if (offset != size) return fail("trailing bytes after envelope");
    } catch (const std::exception& e) {
        return fail(std::string("undecodable message: ") + e.what());
    }
    const msgpack::object& root = env.handle_.get();
    if (root.type != msgpack::type::ARRAY || root.via.array.size != 3) {
        return fail("envelope is not [kind, request_id, body]");
    }
    const msgpack::object* items = root.via.array.ptr;
    if (items[0].type != msgpack::type::POSITIVE_INTEGER || items[0].via.u64 > 0xFFFF) {
        return fail("envelope kind is not a message kind number");
    }
    if (!is_known_kind(static_cast<uint16_t>(items[0].via.u64))) {
        return fail("unknown message kind " + std::to_string(items[0].via.u64));
    }
    if (items[1].type != msgpack::type::POSITIVE_INTEGER) {
        return fail("envelope request_id is not an unsigned integer");
    }
    if (items[2].type != msgpack::type::MAP) return fail("envelope body is not a map");
    env.kind_ = static_cast<Kind>(items[0].via.u64);
    env.request_id_ = items[1].via.u64;
    env.body_ = items[2];
    return env;
}

}  // namespace p2p
