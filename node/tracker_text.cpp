#include "node/tracker_text.hpp"

#include <cstdio>

#include "messages/file_protocol.hpp"
#include "messages/tracker_protocol.hpp"

namespace p2p::node {

// 512 B, 1.5 KiB, 64.0 MiB, 1.5 GiB.
std::string human_size(uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

namespace {

std::string sources_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " source" : " sources") + " online"; }

}  // namespace

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
        case Kind::FileList: {
            auto list = reply.as<msg::FileList>();
            if (!list) break;
            if (list->files.empty()) return {"no files shared in this group yet"};
            std::vector<std::string> lines;
            for (const auto& f : list->files) {
                lines.push_back(f.name + " size=" + std::to_string(f.size) + " (" + human_size(f.size) +
                                ") sources=" + std::to_string(f.sources_online) +
                                " complete=" + std::to_string(f.complete_online));
            }
            return lines;
        }
        // The node uses these itself (download_file); a line for logs and tests.
        case Kind::FileDetails: {
            auto d = reply.as<msg::FileDetails>();
            if (!d) break;
            return {d->meta.name + " in " + d->group + ": " + human_size(d->meta.size) + ", " +
                    sources_text(d->sources.size())};
        }
        case Kind::SourceList: {
            auto list = reply.as<msg::SourceList>();
            if (!list) break;
            return {list->name + " in " + list->group + ": " + sources_text(list->sources.size())};
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
    if (e.type == ev::kFileAdded) return "notice: " + e.user + " shared " + e.file + " in " + e.group;
    if (e.type == ev::kFileRemoved) return "notice: " + e.file + " is no longer shared in " + e.group;
    return std::nullopt;
}

}  // namespace p2p::node
