#pragma once
// The commands a script adds with `cleanup`, run when the run ends, passed,
// failed or skipped: what a step did outside the work dir's files (a mount)
// is undone even when a later step fails. The caller stops every child
// first, so that nothing still holds what the commands undo.

#include <filesystem>
#include <string>
#include <vector>

namespace scenario {

// Runs each command in work_dir, the last added first, each for at most
// 30 s (then killed). Returns one description per command that did not exit
// with status 0, with what it printed.
std::vector<std::string> run_cleanups(const std::vector<std::vector<std::string>>& commands,
                                      const std::filesystem::path& work_dir);

}  // namespace scenario
