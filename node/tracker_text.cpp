#include "node/tracker_text.hpp"

#include "messages/tracker_protocol.hpp"

namespace p2p::node {

std::vector<std::string> reply_lines(const Envelope& reply) {
    switch (reply.kind()) {
        case Kind::Ok: {
            auto ok = reply.as<msg::Ok>();
            if (ok) return {"ok: " + ok->text};
            break;
        }
        case Kind::Error: {
            auto err = reply.as<msg::Error>();
            if (err) return {"error: " + err->text};
            break;
        }
        case Kind::LoginOk: {
            auto ok = reply.as<msg::LoginOk>();
            if (!ok) break;
            std::string line = "ok: logged in as " + ok->user;
            if (!ok->groups.empty()) {
                line += "; member of";
                for (const auto& g : ok->groups) line += " " + g;
            }
            return {line};
        }
        case Kind::GroupList: {
            auto list = reply.as<msg::GroupList>();
            if (!list) break;
            if (list->groups.empty()) return {"no groups yet (create_group GROUP makes one)"};
            std::vector<std::string> lines;
            for (const auto& g : list->groups) {
                std::string line = g.name + " owner=" + g.owner + " members=" + std::to_string(g.members);
                if (!g.status.empty()) line += " you=" + g.status;
                lines.push_back(line);
            }
            return lines;
        }
        case Kind::UserList: {
            auto list = reply.as<msg::UserList>();
            if (!list) break;
            if (list->users.empty()) return {"no pending requests"};
            return list->users;
        }
        default: break;
    }
    return {"error: the tracker sent an unexpected " + std::string(kind_name(reply.kind())) + " reply"};
}

std::optional<std::string> notice_line(const msg::TrackerEvent& e, const std::string& topic,
                                       const std::string& me) {
    namespace ev = msg::event;
    const bool personal = topic == msg::user_topic(me);
    if (personal) {
        if (e.type == ev::kJoinRequested) {
            return "notice: " + e.user + " asks to join " + e.group + " (accept_request " + e.group + " " + e.user + ")";
        }
        if (e.type == ev::kRequestCancelled) return "notice: " + e.user + " cancelled their request to join " + e.group;
        if (e.type == ev::kRequestAccepted) return "notice: " + e.by + " accepted you into " + e.group;
        if (e.type == ev::kRequestRejected) return "notice: " + e.by + " rejected your request to join " + e.group;
        if (e.type == ev::kGroupDeleted) return "notice: group " + e.group + " was deleted; your request is void";
        return std::nullopt;
    }
    // Group topic: what happens to the other members. Join requests reach
    // the owner on the personal topic instead.
    if ((e.user == me || e.by == me) && e.type != ev::kOwnerChanged) return std::nullopt;
    if (e.type == ev::kMemberJoined) return "notice: " + e.user + " joined " + e.group;
    if (e.type == ev::kMemberLeft) return "notice: " + e.user + " left " + e.group;
    if (e.type == ev::kOwnerChanged) {
        if (e.user == me) return "notice: you are now the owner of " + e.group + " (" + e.by + " left)";
        return "notice: " + e.user + " is now the owner of " + e.group;
    }
    return std::nullopt;
}

}  // namespace p2p::node
