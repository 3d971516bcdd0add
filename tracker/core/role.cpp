#include "tracker/core/role.hpp"

#include <algorithm>
#include <sstream>
#include <tuple>

namespace p2p::tracker {

namespace {

// Who should lead: the freshest history (term, then seq), then the lowest number.
auto claim(uint64_t term, uint64_t seq, uint32_t tracker) { return std::make_tuple(term, seq, -int64_t{tracker}); }

std::string seconds(RoleClock::duration d) {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << std::chrono::duration<double>(d).count() << " s";
    return out.str();
}

}  // namespace

RoleMachine::RoleMachine(RoleConfig config, uint64_t term, bool was_primary, RoleClock::time_point now)
    : config_(config), term_(term), was_primary_(was_primary), started_(now) {}

void RoleMachine::heard(const msg::PeerStatus& status, RoleClock::time_point now) {
    if (status.tracker == config_.self || status.tracker == 0 || status.tracker > config_.trackers) return;
    peers_[status.tracker] = Peer{status, now};
}

RoleAction RoleMachine::promote(std::string reason) {
    uint64_t highest = term_;
    for (const auto& [n, p] : peers_) highest = std::max(highest, p.status.term);
    term_ = highest + 1;
    role_ = Role::Primary;
    was_primary_ = true;
    following_ = 0;
    synced_ = false;
    return RoleAction{RoleAction::Type::Promote, config_.self, std::move(reason)};
}

bool RoleMachine::best_claim_among_live(RoleClock::time_point now, bool only_synced) const {
    const auto mine = claim(term_, seq_, config_.self);
    for (const auto& [n, p] : peers_) {
        if (!live(p, now) || p.status.role != msg::role::kStandby) continue;
        if (only_synced && !p.status.synced) continue;
        if (claim(p.status.term, p.status.seq, n) > mine) return false;
    }
    return true;
}

uint32_t RoleMachine::primary(RoleClock::time_point now) const {
    if (role_ == Role::Primary) return config_.self;
    uint32_t best = 0;
    uint64_t best_term = 0;
    for (const auto& [n, p] : peers_) {
        if (!live(p, now) || p.status.role != msg::role::kPrimary) continue;
        if (best == 0 || p.status.term > best_term) {
            best = n;
            best_term = p.status.term;
        }
    }
    return best;
}

RoleAction RoleMachine::tick(RoleClock::time_point now) {
    if (config_.trackers == 1) {
        return role_ == Role::Primary ? RoleAction{} : promote("the only tracker in the list");
    }
    if (role_ == Role::Primary) {
        for (const auto& [n, p] : peers_) {
            if (!live(p, now) || p.status.role != msg::role::kPrimary) continue;
            if (p.status.term > term_ || (p.status.term == term_ && n < config_.self)) {
                role_ = Role::Standby;
                was_primary_ = false;
                following_ = n;
                synced_ = false;
                return RoleAction{RoleAction::Type::StepDown, n,
                                  "tracker " + std::to_string(n) + " is primary with term " +
                                      std::to_string(p.status.term) + " (ours " + std::to_string(term_) + ")"};
            }
        }
        return {};
    }
    if (const uint32_t p = primary(now); p != 0) {
        if (following_ == p) return {};
        following_ = p;
        // A standby carries its primary's term: its history is that term's.
        term_ = std::max(term_, peers_.at(p).status.term);
        synced_ = false;
        was_primary_ = false;
        return RoleAction{RoleAction::Type::Follow, p, "tracker " + std::to_string(p) + " is primary"};
    }
    // No live primary.
    if (now - started_ < config_.peer_timeout) return {};  // listen to the others first
    const bool visited = last_visit_ && now - *last_visit_ <= config_.visit_window;
    if (ever_synced_ && synced_) {
        if (visited && best_claim_among_live(now, true)) {
            return promote("primary tracker " + std::to_string(following_) + " lost and nodes came here");
        }
        return {};
    }
    bool all_up = true;
    for (uint32_t n = 1; n <= config_.trackers; ++n) {
        if (n == config_.self) continue;
        auto it = peers_.find(n);
        all_up &= it != peers_.end() && live(it->second, now);
    }
    if (all_up && best_claim_among_live(now, false)) return promote("cold start: every tracker is up, this one has the best claim");
    if (was_primary_ && visited && best_claim_among_live(now, false)) {
        return promote("it was primary when it stopped and nodes came here");
    }
    return {};
}

RoleAction RoleMachine::operator_promote(RoleClock::time_point) {
    if (role_ == Role::Primary) return {};
    return promote("the operator said promote");
}

msg::PeerStatus RoleMachine::status() const {
    msg::PeerStatus s;
    s.tracker = config_.self;
    s.role = role_ == Role::Primary ? msg::role::kPrimary : msg::role::kStandby;
    s.term = term_;
    s.seq = seq_;
    s.synced = synced_;
    s.following = following_;
    s.was_primary = was_primary_;
    return s;
}

std::string RoleMachine::describe_peers(RoleClock::time_point now) const {
    std::ostringstream out;
    for (uint32_t n = 1; n <= config_.trackers; ++n) {
        if (n == config_.self) continue;
        out << "peer tracker " << n << ": ";
        auto it = peers_.find(n);
        if (it == peers_.end()) {
            out << "never heard\n";
            continue;
        }
        const auto& s = it->second.status;
        if (!live(it->second, now)) {
            out << "silent for " << seconds(now - it->second.heard) << " (was " << s.role << ")\n";
            continue;
        }
        out << s.role << ", term " << s.term << ", seq " << s.seq;
        if (s.role == msg::role::kStandby) {
            out << (s.synced ? ", synced" : ", not synced");
            if (s.following) out << " with tracker " << s.following;
        }
        out << "\n";
    }
    return out.str();
}

std::string RoleMachine::waiting_reason(RoleClock::time_point now) const {
    if (const uint32_t p = primary(now); p != 0 && p != config_.self) {
        return "tracker " + std::to_string(config_.self) + " is a standby; tracker " + std::to_string(p) +
               " is the primary";
    }
    if (ever_synced_ && synced_) {
        return "tracker " + std::to_string(config_.self) + " is a standby whose primary is gone; it takes over now";
    }
    return "tracker " + std::to_string(config_.self) +
           " is a standby with no primary in sight: waiting for the other trackers, or for `promote` on its console";
}

}  // namespace p2p::tracker
