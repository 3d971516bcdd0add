#include "tracker/core/audience.hpp"

#include <algorithm>

#include "messages/tracker_events.hpp"

namespace p2p::tracker {

std::vector<std::string> event_audience(const State& state, const Event& event) {
    std::vector<std::string> users;
    const auto& e = event.body;
    const std::string user_prefix = msg::user_topic("");
    if (event.topic.rfind(user_prefix, 0) == 0) {
        users.push_back(event.topic.substr(user_prefix.size()));
    } else if (event.topic == msg::group_topic(e.group)) {
        if (auto g = state.groups.find(e.group); g != state.groups.end()) users = g->second.members;
        for (const auto* who : {&e.user, &e.by}) {
            if (!who->empty()) users.push_back(*who);
        }
    }
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    return users;
}

std::vector<std::string> audience_sessions(const State& state, const std::vector<std::string>& users) {
    std::vector<std::string> tokens;
    for (const auto& [token, session] : state.sessions) {
        if (std::binary_search(users.begin(), users.end(), session.user)) tokens.push_back(token);
    }
    return tokens;
}

}  // namespace p2p::tracker
