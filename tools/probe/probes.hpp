#pragma once
// The probes: each prints what it tried, one line per step ("ok: ..." when
// the system behaved, "error: ..." when it did not) and returns the exit code.
#include <string>
#include <vector>

namespace probe {

// A member's ticket used from another key: the source must refuse it, and
// serve the same request from the ticket's holder.
int stolen_ticket(const std::vector<std::string>& args);

// A key that is not an operator's subscribes to a tracker's event port: the
// handshake must be refused.
int eavesdrop(const std::vector<std::string>& args);

}  // namespace probe
