#pragma once
// Who this node is across restarts: an id kept in its data dir, so that a
// node restarted after a crash may log in again at once (the tracker lets
// the same node replace its own stale session).
#include <filesystem>
#include <string>

namespace p2p::node {

struct NodeIdentity {
    std::string node_id;
    std::string endpoint;  // IP:PORT it serves pieces on
    std::filesystem::path data_dir;
};

// Creates data_dir and its node_id file on first use. Throws with the path
// and reason when the dir is not usable.
NodeIdentity load_identity(const std::filesystem::path& data_dir, const std::string& endpoint);

}  // namespace p2p::node
