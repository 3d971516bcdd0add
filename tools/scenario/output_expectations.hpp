#pragma once
// Waiting on what a process prints, or on its exit. Every wait keeps the
// other processes' pipes drained (through ProcessTable::pump) and ends at
// once when the awaited process exits or the runner is asked to stop.

#include <functional>
#include <string>

#include "process_table.hpp"
#include "step_outcome.hpp"

namespace scenario {

using LineTest = std::function<bool(const std::string& line)>;

enum class OnMatch {
  consume_through_match,  // the matching line and all before it are consumed
  consume_nothing,        // start/restart: startup lines stay for later steps to check
};

// Passes on the first unconsumed line that passes `test`. `awaited` names
// the line in messages ("/regex/").
StepOutcome wait_for_line(ProcessTable& table, SupervisedProcess& process, const LineTest& test,
                          double seconds, const std::string& awaited,
                          OnMatch on_match = OnMatch::consume_through_match);

// Fails if an unconsumed line, or one printed within `seconds`, passes
// `test`, or if the process is not running or exits meanwhile (it can then
// prove nothing). Consumes nothing.
StepOutcome require_no_line(ProcessTable& table, SupervisedProcess& process, const LineTest& test,
                            double seconds, const std::string& unwanted);

// Passes once the process has exited, whatever its status.
StepOutcome wait_for_exit(ProcessTable& table, SupervisedProcess& process, double seconds);

// Pumps output until the deadline; used by `sleep` and after `garbage`.
StepOutcome keep_pumping(ProcessTable& table, double seconds);

Clock::time_point deadline_after(double seconds);

}  // namespace scenario
