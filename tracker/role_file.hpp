#pragma once
// DATA/role: the replication term and whether this tracker was primary, kept
// across restarts. The term must never go back (a tracker that forgot it
// could win an election with a stale history), and a tracker that stopped as
// a standby must not take over alone at its next start (role.hpp).
#include <cstdint>
#include <filesystem>

namespace p2p::tracker {

inline constexpr const char* kRoleFile = "role";

struct RoleRecord {
    uint64_t term = 0;
    bool was_primary = false;
};

// A missing file is a fresh tracker (term 0, standby). Throws when the file
// exists but does not parse: guessing a term could break the rule above.
RoleRecord load_role(const std::filesystem::path& data_dir);
void store_role(const std::filesystem::path& data_dir, const RoleRecord& record);

}  // namespace p2p::tracker
