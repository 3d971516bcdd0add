#pragma once
// A short history the tracker could have journaled, shared by the seed
// generator (make_seeds) and the command target, which applies hostile
// commands to the state it leaves: two users logged in, both members of
// "physics", which holds one file.
#include <string>
#include <vector>

#include "messages/file_meta.hpp"
#include "messages/sha256.hpp"
#include "tracker/core/commands.hpp"

namespace fuzz {

inline p2p::files::FileMeta sample_meta(const std::string& name, uint64_t size) {
    p2p::files::FileMeta m{name, size, p2p::files::kMinPieceSize, {}, {}};
    for (uint64_t i = 0; i < p2p::files::num_pieces(size, m.piece_size); ++i) {
        m.piece_hashes.push_back(p2p::files::sha256(name + std::to_string(i)));
    }
    m.file_id = p2p::files::file_id_of(m.piece_hashes);
    return m;
}

inline p2p::files::FileMeta sample_meta() { return sample_meta("run42.bin", 2 * p2p::files::kMinPieceSize + 100); }

inline const std::string kAliceToken = "tok-alice";
inline const std::string kBobToken = "tok-bob";

inline std::vector<p2p::tracker::Command> sample_history() {
    using namespace p2p;
    const auto meta = sample_meta();
    return {
        tracker::StoredCreateUser{"alice", std::string(16, 's'), std::string(32, 'h'), 100000},
        tracker::StoredCreateUser{"bob", std::string(16, 't'), std::string(32, 'i'), 100000},
        tracker::StoredOpenSession{kAliceToken, "alice", "node-a", "127.0.0.1:7000"},
        tracker::StoredOpenSession{kBobToken, "bob", "node-b", "127.0.0.1:7001"},
        msg::CreateGroup{kAliceToken, "physics"},
        msg::JoinGroup{kBobToken, "physics"},
        msg::AcceptRequest{kAliceToken, "physics", "bob"},
        msg::ShareFile{kAliceToken, "physics", meta, true},
        msg::ShareFile{kBobToken, "physics", meta, false},
    };
}

// What may follow it: a share stopped, a member leaving, sessions ending.
inline std::vector<p2p::tracker::Command> sample_endings() {
    using namespace p2p;
    return {
        msg::StopShare{kBobToken, "physics", sample_meta().name},
        msg::LeaveGroup{kBobToken, "physics"},
        msg::Logout{kAliceToken},
        tracker::StoredCloseSession{kBobToken, "stopped heartbeating"},
    };
}

}  // namespace fuzz
