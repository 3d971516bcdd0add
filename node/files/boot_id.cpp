#include "node/files/boot_id.hpp"

#include <fstream>

namespace p2p::files {

std::string current_boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    if (!std::getline(in, id)) return {};
    // A UUID: anything else (an odd kernel, a bind mount) is not trusted.
    if (id.size() != 36) return {};
    return id;
}

}  // namespace p2p::files
