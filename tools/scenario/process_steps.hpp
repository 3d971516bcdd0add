#pragma once
// Steps that start, stop and talk to processes.

#include "run_state.hpp"
#include "step.hpp"
#include "step_outcome.hpp"

namespace scenario {

StepOutcome declare_trackers(RunState& state, const Step& step);
StepOutcome start_tracker(RunState& state, const Step& step);
StepOutcome start_node(RunState& state, const Step& step);
StepOutcome start_program(RunState& state, const Step& step);
StepOutcome restart_process(RunState& state, const Step& step);
StepOutcome kill_process(RunState& state, const Step& step);
StepOutcome stop_process(RunState& state, const Step& step);
StepOutcome wait_exit(RunState& state, const Step& step);
StepOutcome type_line(RunState& state, const Step& step);

}  // namespace scenario
