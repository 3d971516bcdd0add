#pragma once
// Runs one step. Never throws: any failure comes back as a StepOutcome.

#include "run_state.hpp"
#include "step.hpp"
#include "step_outcome.hpp"

namespace scenario {

StepOutcome execute_step(RunState& state, const Step& step);

}  // namespace scenario
