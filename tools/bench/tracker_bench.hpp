#pragma once
// bench tracker: starts one tracker, logs in N simulated nodes (one DEALER
// each) and measures closed-loop reads (ListGroups) and durable writes
// (JoinGroup/LeaveGroup). docs/bench.md explains the method.
#include <string>
#include <vector>

namespace bench {

// args: what follows "tracker" on the command line. Returns the exit status.
int tracker_main(const std::vector<std::string>& args);

}  // namespace bench
