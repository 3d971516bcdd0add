#pragma once
// Turns a .scn file into steps. The whole file is parsed (and checked, see
// script_checks.hpp) before anything runs, so a typo on the last line costs
// nothing.

#include <string>
#include <string_view>
#include <vector>

#include "step.hpp"

namespace scenario {

struct ParsedScript {
  Script script;
  std::vector<std::string> errors;  // "FILE:LINE: error: ...", in line order
};

ParsedScript parse_script_text(std::string_view text, const std::string& path);
ParsedScript parse_script_file(const std::string& path);

// Seconds a step waits when the script names no time.
inline constexpr double default_expect_seconds = 10;     // NAME? NAME!
inline constexpr double default_absence_seconds = 1;     // NAME??
inline constexpr double default_wait_exit_seconds = 10;  // wait-exit
inline constexpr double stop_seconds = 10;               // stop
inline constexpr double ready_line_seconds = 15;         // start tracker/node, restart

}  // namespace scenario
