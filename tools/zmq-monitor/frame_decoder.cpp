#include "tools/zmq-monitor/frame_decoder.hpp"

#include "messages/envelope.hpp"
#include "messages/replication_protocol.hpp"

namespace p2p::monitor {

Decoded decode_frames(const std::vector<std::string>& frames) {
    std::size_t bytes = 0;
    for (const auto& f : frames) bytes += f.size();
    const std::string topic = frames.empty() ? std::string() : frames.front();
    auto reject = [&](std::string reason) { return Undecodable{topic, std::move(reason), bytes}; };

    if (frames.size() != 2) {
        return reject("expected 2 frames [topic][event], got " + std::to_string(frames.size()));
    }
    auto env = decode_envelope(frames[1]);
    if (!env) return reject(env.error());
    // From here on the stamp is known: an event we cannot read still counts
    // for gap detection, or it would show up as a lost one.
    const auto stamp = msg::unpack_stamp(env->request_id());
    auto reject_stamped = [&](std::string reason) {
        Undecodable bad = reject(std::move(reason));
        bad.stamp = stamp;
        return bad;
    };
    if (env->kind() == Kind::TrackerRole) {
        // Shown in the same shape as other events: who, what, why.
        auto role = env->as<msg::TrackerRole>();
        if (!role) return reject_stamped(role.error());
        if (role->role.empty()) return reject_stamped("TrackerRole has no role");
        return SeenEvent{topic, msg::TrackerEvent{"tracker_" + role->role, {}, "tracker-" + std::to_string(role->tracker),
                                                  "term " + std::to_string(role->term) + ": " + role->reason},
                         stamp};
    }
    if (env->kind() == Kind::ProcessEvent) {
        auto pe = env->as<msg::ProcessEvent>();
        if (!pe) return reject_stamped(pe.error());
        if (pe->type.empty()) return reject_stamped("ProcessEvent has no type");
        SeenEvent seen{topic, msg::TrackerEvent{pe->type, {}, {}, {}}, stamp, std::move(*pe)};
        return seen;
    }
    auto event = env->as<msg::TrackerEvent>();
    if (!event) return reject_stamped(event.error());
    // A TrackerEvent without a type tells a reader nothing; the tracker
    // always sets one, so this is someone else's (or a broken) publisher.
    if (event->type.empty()) return reject_stamped("TrackerEvent has no type");
    return SeenEvent{topic, std::move(*event), stamp};
}

}  // namespace p2p::monitor
