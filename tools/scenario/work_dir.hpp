#pragma once
// The run's private directory: data dirs, logs, test files.

#include <filesystem>
#include <optional>

namespace scenario {

// The requested dir (created if missing; refused unless empty, since stale
// data dirs would change what the scenario sees and it is removed after a
// pass), or a fresh /tmp/p2pscn.XXXXXX. Always absolute.
// Throws std::runtime_error with a readable message.
std::filesystem::path create_work_dir(const std::optional<std::filesystem::path>& requested);

void remove_work_dir(const std::filesystem::path& dir);

}  // namespace scenario
