#include "scenario_run.hpp"

#include <chrono>
#include <cstdio>
#include <ostream>

#include "cleanup_commands.hpp"
#include "failure_report.hpp"
#include "step_executor.hpp"
#include "stop_request.hpp"

namespace scenario {

RunResult run_scenario(const Script& script, RunState& state, const RunOptions& options, std::ostream& out,
                       std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  RunResult result = RunResult::passed;
  for (const Step& step : script.steps) {
    if (options.transcript != nullptr) options.transcript->step_started(step);
    const StepOutcome outcome =
        stop_requested() ? StepOutcome::fail("interrupted before the step ran") : execute_step(state, step);
    if (outcome.skipped) {
      out << "SKIP " << script.path << ":" << step.line << ": " << outcome.reason << std::endl;
      result = RunResult::skipped;
      break;
    }
    if (!outcome.passed) {
      print_failure(err, script.path, step, outcome, state.processes);
      result = RunResult::failed;
      break;
    }
    if (options.verbose) out << script.path << ":" << step.line << ": ok: " << step.source << std::endl;
  }
  state.processes.terminate_all();
  for (const std::string& problem : run_cleanups(state.cleanups, state.settings.work_dir)) {
    err << script.path << ": FAILED: " << problem << std::endl;
    result = RunResult::failed;
  }
  if (result != RunResult::passed) return result;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", elapsed.count());
  out << "PASS " << script.path << " (" << script.steps.size() << " steps, " << seconds << " s)" << std::endl;
  return result;
}

}  // namespace scenario
