#pragma once
// bench failover: two replicated trackers and a few simulated nodes that
// write steadily and fail over as the node does (node/tracker_session.cpp's
// policy, over the wire); kill -9 the primary, measure how long writes stop,
// check that no acknowledged write is lost or applied twice, restart the
// killed tracker as a standby, and again, alternating. docs/bench.md.
#include <string>
#include <vector>

namespace bench {

// args: what follows "failover" on the command line. Returns the exit status.
int failover_main(const std::vector<std::string>& args);

}  // namespace bench
