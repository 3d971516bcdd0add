#pragma once
// Runs a parsed script step by step, stopping at the first failure (or at
// a `require` the machine does not meet), then stops every child and runs
// the `cleanup` commands; prints the verbose "ok" lines, the failure
// report, the SKIP line or the PASS line.

#include <iosfwd>

#include "run_state.hpp"
#include "step.hpp"
#include "transcript.hpp"

namespace scenario {

struct RunOptions {
  bool verbose = false;
  Transcript* transcript = nullptr;  // --transcript
};

// A cleanup command that fails makes the run fail, whatever the steps did.
enum class RunResult { passed, failed, skipped };

RunResult run_scenario(const Script& script, RunState& state, const RunOptions& options, std::ostream& out,
                       std::ostream& err);

}  // namespace scenario
