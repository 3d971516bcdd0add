#include "node/engine/request_credit.hpp"

#include <algorithm>

namespace p2p::node {

std::size_t request_credit(std::size_t source_in_flight, std::size_t download_in_flight, std::size_t window,
                           std::size_t budget) {
    if (source_in_flight >= window) return 0;
    std::size_t allowed = download_in_flight < budget ? budget - download_in_flight : 0;
    if (source_in_flight < kRequestFloor) allowed = std::max(allowed, kRequestFloor - source_in_flight);
    return std::min(allowed, window - source_in_flight);
}

}  // namespace p2p::node
