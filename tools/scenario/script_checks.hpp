#pragma once
// Rules that span lines: trackers are declared before they start, a process
// is started before a step uses it, each name is started once, $PORT(NAME)
// names something that has a port by then.

#include <string>
#include <vector>

#include "step.hpp"

namespace scenario {

// "FILE:LINE: error: ..." for each broken rule.
std::vector<std::string> check_script(const Script& script);

}  // namespace scenario
