#include "node/known_names.hpp"

#include "messages/file_protocol.hpp"
#include "messages/tracker_protocol.hpp"

namespace p2p::node {

void KnownNames::learn(const ParsedCommand& command, const Envelope& reply) {
    const auto& a = command.args;
    switch (reply.kind()) {
        case Kind::LoginOk:
            if (auto ok = reply.as<msg::LoginOk>()) groups_.insert(ok->groups.begin(), ok->groups.end());
            break;
        case Kind::GroupList:
            if (auto list = reply.as<msg::GroupList>()) {
                groups_.clear();
                for (const auto& g : list->groups) groups_.insert(g.name);
            }
            break;
        case Kind::FileList:
            if (auto list = reply.as<msg::FileList>(); list && command.name == "list_files") {
                auto& files = files_[a[0]];
                files.clear();
                for (const auto& f : list->files) files.insert(f.name);
            }
            break;
        case Kind::UserList:
            if (auto list = reply.as<msg::UserList>(); list && command.name == "list_requests") {
                requesters_[a[0]] = {list->users.begin(), list->users.end()};
            }
            break;
        case Kind::Ok:
            if (command.name == "create_group") groups_.insert(a[0]);
            if (command.name == "accept_request" || command.name == "reject_request") requesters_[a[0]].erase(a[1]);
            break;
        default: break;
    }
}

void KnownNames::learn(const msg::TrackerEvent& e) {
    namespace ev = msg::event;
    if (e.type == ev::kJoinRequested) {
        groups_.insert(e.group);
        requesters_[e.group].insert(e.user);
    } else if (e.type == ev::kRequestCancelled || e.type == ev::kMemberJoined) {
        requesters_[e.group].erase(e.user);
    } else if (e.type == ev::kRequestAccepted) {
        groups_.insert(e.group);
    } else if (e.type == ev::kGroupDeleted) {
        groups_.erase(e.group);
        files_.erase(e.group);
        requesters_.erase(e.group);
    } else if (e.type == ev::kFileAdded) {
        files_[e.group].insert(e.file);
    } else if (e.type == ev::kFileRemoved) {
        files_[e.group].erase(e.file);
    }
}

void KnownNames::forget_all() {
    groups_.clear();
    files_.clear();
    requesters_.clear();
}

std::vector<std::string> KnownNames::candidates(const CompletionSlot& slot) const {
    const std::set<std::string>* names = nullptr;
    if (slot.kind == "GROUP") {
        names = &groups_;
    } else if (slot.kind == "FILE" || slot.kind == "USER") {
        const auto& by_group = slot.kind == "FILE" ? files_ : requesters_;
        if (auto it = by_group.find(slot.group); it != by_group.end()) names = &it->second;
    }
    if (!names) return {};
    return {names->begin(), names->end()};
}

}  // namespace p2p::node
