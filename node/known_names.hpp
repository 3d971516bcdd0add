#pragma once
// Names this node has seen in the tracker's replies and events: groups, the
// files shared in each, the users asking to join each. Tab completion offers
// them; nothing else relies on them, so a stale name costs one error line.
// Pure, so completion is tested without a tracker.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "messages/envelope.hpp"
#include "messages/tracker_events.hpp"
#include "node/commands.hpp"

namespace p2p::node {

class KnownNames {
public:
    // The reply to a command the user typed.
    void learn(const ParsedCommand& command, const Envelope& reply);
    void learn(const msg::TrackerEvent& event);
    void forget_all();

    // Names that fit a slot ("GROUP", "FILE" of slot.group, "USER" asking to
    // join slot.group), sorted; empty for any other slot.
    std::vector<std::string> candidates(const CompletionSlot& slot) const;

private:
    std::set<std::string> groups_;
    std::map<std::string, std::set<std::string>> files_;       // by group
    std::map<std::string, std::set<std::string>> requesters_;  // by group
};

}  // namespace p2p::node
