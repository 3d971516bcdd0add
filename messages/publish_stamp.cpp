#include "messages/publish_stamp.hpp"

#include <cstring>

#include "messages/envelope.hpp"
#include "messages/random_id.hpp"

namespace p2p::msg {

namespace {

uint32_t random_epoch() {
    // The CSPRNG, not a clock: two runs started in the same second must still
    // differ, and a subscriber must never take a new run for the old one.
    for (;;) {
        const std::string bytes = random_bytes(sizeof(uint32_t));
        uint32_t value = 0;
        std::memcpy(&value, bytes.data(), sizeof value);
        if (value != 0) return value;
    }
}

}  // namespace

PublishSequence::PublishSequence() : epoch_(random_epoch()) {}

PublishStamp PublishSequence::next() {
    // 2^32 events in one run wrap to 1, never to 0 (which reads "unstamped");
    // a subscriber sees that as a restart, the honest reading of a wrap.
    if (++seq_ == 0) seq_ = 1;
    return PublishStamp{epoch_, seq_};
}

Result<std::string> restamp(std::string_view envelope, PublishStamp stamp) {
    auto env = decode_envelope(envelope);
    if (!env) return fail(env.error());
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_array(3);
    pk.pack(static_cast<uint16_t>(env->kind()));
    pk.pack(pack_stamp(stamp));
    pk.pack(env->body());
    return std::string(buf.data(), buf.size());
}

}  // namespace p2p::msg
