#include "tracker/core/commands.hpp"

#include "messages/envelope.hpp"

namespace p2p::tracker {

std::string encode_command(const Command& command) {
    return std::visit([](const auto& c) { return encode(0, c); }, command);
}

namespace {
template <class T>
Result<Command> as_command(const Envelope& env) {
    auto v = env.as<T>();
    if (!v) return fail(v.error());
    return Command{std::move(v).value()};
}
}  // namespace

Result<Command> decode_command(std::string_view bytes) {
    // No frame limit: a record is our encoding of a request that fit in a
    // frame, and can be longer than it (fields the sender left out are written
    // out). Refusing it would stop the tracker from starting on its own
    // journal; the journal bounds a record's size itself.
    auto env = decode_envelope(bytes, bytes.size());
    if (!env) return fail(env.error());
    switch (env->kind()) {
        case Kind::StoredCreateUser: return as_command<StoredCreateUser>(*env);
        case Kind::StoredOpenSession: return as_command<StoredOpenSession>(*env);
        case Kind::StoredCloseSession: return as_command<StoredCloseSession>(*env);
        case Kind::Logout: return as_command<msg::Logout>(*env);
        case Kind::CreateGroup: return as_command<msg::CreateGroup>(*env);
        case Kind::JoinGroup: return as_command<msg::JoinGroup>(*env);
        case Kind::LeaveGroup: return as_command<msg::LeaveGroup>(*env);
        case Kind::AcceptRequest: return as_command<msg::AcceptRequest>(*env);
        case Kind::RejectRequest: return as_command<msg::RejectRequest>(*env);
        case Kind::ShareFile: return as_command<msg::ShareFile>(*env);
        case Kind::StopShare: return as_command<msg::StopShare>(*env);
        default: return fail("journal record of kind " + std::string(kind_name(env->kind())) + " is no command");
    }
}

std::string encode_entry(const Entry& entry) {
    return encode(0, JournalEntry{entry.origin, entry.request_id, encode_command(entry.command)});
}

Result<Entry> decode_entry(std::string_view bytes) {
    auto env = decode_envelope(bytes);
    if (!env) return fail(env.error());
    if (env->kind() != Kind::JournalEntry) {
        auto command = decode_command(bytes);
        if (!command) return fail(command.error());
        return Entry{{}, 0, std::move(command).value()};
    }
    auto wire = env->as<JournalEntry>();
    if (!wire) return fail(wire.error());
    auto command = decode_command(wire->command);
    if (!command) return fail(command.error());
    return Entry{std::move(wire->origin), wire->request_id, std::move(command).value()};
}

std::string encode_reply(uint64_t request_id, const Reply& reply) {
    return std::visit(
        [&](const auto& r) {
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, Replayed>) {
                return r.envelope;  // already carries this request id
            } else {
                return encode(request_id, r);
            }
        },
        reply);
}

}  // namespace p2p::tracker
