#pragma once
// Who hears an event. Group events name members and files, so they go only
// to the people they concern: the group's members (as the state stands
// right after the change), plus the user it is about and whoever caused it
// (a member who just left still hears that they left; a requester hears of
// their own request). A "user.U" event goes to U alone.
#include <string>
#include <vector>

#include "tracker/core/commands.hpp"
#include "tracker/core/state.hpp"

namespace p2p::tracker {

// Users, sorted, without repeats.
std::vector<std::string> event_audience(const State& state, const Event& event);

// The tokens of the sessions of those users, in token order.
std::vector<std::string> audience_sessions(const State& state, const std::vector<std::string>& users);

}  // namespace p2p::tracker
