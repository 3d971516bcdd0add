#include "tracker/core/state.hpp"

#include <stdexcept>

#include "messages/bounded_unpack.hpp"

namespace p2p::tracker {

bool operator==(const User& a, const User& b) {
    return a.salt == b.salt && a.hash == b.hash && a.iterations == b.iterations;
}
bool operator==(const Session& a, const Session& b) {
    return a.user == b.user && a.node_id == b.node_id && a.endpoint == b.endpoint && a.node_key == b.node_key;
}
bool operator==(const SharedFile& a, const SharedFile& b) { return a.meta == b.meta && a.sharers == b.sharers; }
bool operator==(const Group& a, const Group& b) {
    return a.owner == b.owner && a.members == b.members && a.pending == b.pending && a.files == b.files;
}
bool State::operator==(const State& o) const {
    return users == o.users && sessions == o.sessions && groups == o.groups && replies == o.replies;
}

std::string encode_state(const State& state) {
    msgpack::sbuffer buf;
    msgpack::pack(buf, state);
    return std::string(buf.data(), buf.size());
}

State decode_state(const std::string& bytes) {
    // No count or size limit: a big tracker's state is big. Nested deeper
    // than a State ever is (7) is corrupt.
    const msgpack::unpack_limit limit(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, /*depth=*/16);
    try {
        std::size_t offset = 0;
        auto handle = unpack_bounded(bytes.data(), bytes.size(), offset, limit);
        State state;
        handle.get().convert(state);
        return state;
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("snapshot state does not decode: ") + e.what());
    }
}

}  // namespace p2p::tracker
