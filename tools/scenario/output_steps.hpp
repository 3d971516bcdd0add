#pragma once
// Steps that check what a process printed: NAME?, NAME!, NAME??.

#include "run_state.hpp"
#include "step.hpp"
#include "step_outcome.hpp"

namespace scenario {

StepOutcome expect_line(RunState& state, const Step& step);
StepOutcome expect_error(RunState& state, const Step& step);
StepOutcome expect_no_line(RunState& state, const Step& step);

}  // namespace scenario
