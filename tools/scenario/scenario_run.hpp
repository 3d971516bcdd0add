#pragma once
// Runs a parsed script step by step, stopping at the first failure, and
// prints the verbose "ok" lines, the failure report or the PASS line.

#include <iosfwd>

#include "run_state.hpp"
#include "step.hpp"
#include "transcript.hpp"

namespace scenario {

struct RunOptions {
  bool verbose = false;
  Transcript* transcript = nullptr;  // --transcript
};

// True when every step passed.
bool run_scenario(const Script& script, RunState& state, const RunOptions& options, std::ostream& out,
                  std::ostream& err);

}  // namespace scenario
