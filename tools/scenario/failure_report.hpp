#pragma once
// The report of a failed step: where, what, why, and what the processes
// concerned said last.

#include <iosfwd>
#include <string>

#include "process_table.hpp"
#include "step.hpp"
#include "step_outcome.hpp"

namespace scenario {

void print_failure(std::ostream& err, const std::string& script_path, const Step& step, const StepOutcome& outcome,
                   ProcessTable& processes);

}  // namespace scenario
