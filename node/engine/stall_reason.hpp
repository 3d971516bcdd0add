#pragma once
// Why a download is not moving, as show_downloads says it. A pure function
// of what the engine knows, so that the wording and which reason wins are
// unit-tested (tests/unit/test_stall_reason.cpp).
#include <cstddef>
#include <string>

namespace p2p::node {

struct StallFacts {
    std::size_t sources = 0;  // sources connected or connecting
    std::size_t known = 0;    // of those, the ones whose bitfield has arrived
    bool requesting = false;  // some piece is requested from some source
    // The last source-list request to the tracker failed with this Error
    // (code, text); both empty once one succeeds.
    std::string tracker_code;
    std::string tracker_text;
};

// Empty when the download is moving. previous is the reason shown so far:
// a "dropped ..." note (a source banned or gone silent) stays until
// something more pressing replaces it.
std::string stall_reason(const StallFacts& facts, const std::string& previous);

}  // namespace p2p::node
