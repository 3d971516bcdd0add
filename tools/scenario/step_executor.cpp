#include "step_executor.hpp"

#include <unistd.h>

#include <exception>
#include <fstream>
#include <string>

#include "file_checks.hpp"
#include "garbage_sender.hpp"
#include "output_expectations.hpp"
#include "output_steps.hpp"
#include "process_steps.hpp"

namespace scenario {
namespace {

// Long enough for a target that chokes on the garbage to be seen dying.
constexpr double garbage_aftermath_seconds = 0.2;

StepOutcome send_garbage_to(RunState& state, const Step& step) {
  SupervisedProcess& process = state.process(step.process);
  state.processes.pump(Clock::now());
  if (!process.child.running()) {
    return StepOutcome::fail("process " + step.process + " is not running (it " + process.child.exit_description() + ")",
                             step.process);
  }
  const ProcessPorts* ports = state.ports.find(step.process);
  if (ports == nullptr) return StepOutcome::fail("process " + step.process + " has no port");
  // A tracker listens on its replication port only when it has peers.
  const bool replicated = state.ports.find("t2") != nullptr;
  // Its CURVE key: a tracker's is in tracker_info.txt, a node's in its data
  // dir (made at its start); none for other programs.
  std::string key = ports->key;
  if (key.empty()) {
    std::ifstream key_file(state.settings.work_dir / step.process / "curve_key");
    std::string word;
    key_file >> word >> key;
    if (word != "public") key.clear();
  }
  const GarbageTally tally = send_garbage(
      {ports->port, ports->pub_port, replicated ? ports->repl_port : std::nullopt, key}, state.random);
  if (!tally.problems.empty()) {
    std::string problems;
    for (const std::string& problem : tally.problems) problems += (problems.empty() ? "" : "; ") + problem;
    return StepOutcome::fail(problems, step.process);
  }
  const StepOutcome aftermath = keep_pumping(state.processes, garbage_aftermath_seconds);
  if (!aftermath.passed) return aftermath;
  if (!process.child.running()) {
    return StepOutcome::fail("process " + step.process + " " + process.child.exit_description() + " after the garbage",
                             step.process);
  }
  return StepOutcome::pass();
}

StepOutcome run_file_step(RunState& state, const Step& step) {
  switch (step.kind) {
    case StepKind::make_file:
      make_random_file(state.work_path(step.words.at(0)), step.bytes, state.random);
      break;
    case StepKind::sha256_equal:
      require_same_sha256(state.work_path(step.words.at(0)), state.work_path(step.words.at(1)));
      break;
    case StepKind::require_absent:
      require_absent(state.work_path(step.words.at(0)));
      break;
    default:
      require_exists(state.work_path(step.words.at(0)));
      break;
  }
  return StepOutcome::pass();
}

StepOutcome require_root() {
  const uid_t uid = ::geteuid();
  if (uid == 0) return StepOutcome::pass();
  return StepOutcome::skip("needs root (running as uid " + std::to_string(uid) + ")");
}

StepOutcome dispatch(RunState& state, const Step& step) {
  switch (step.kind) {
    case StepKind::declare_trackers: return declare_trackers(state, step);
    case StepKind::start_tracker: return start_tracker(state, step);
    case StepKind::start_node: return start_node(state, step);
    case StepKind::start_program: return start_program(state, step);
    case StepKind::type_line: return type_line(state, step);
    case StepKind::expect_line: return expect_line(state, step);
    case StepKind::expect_error: return expect_error(state, step);
    case StepKind::expect_no_line: return expect_no_line(state, step);
    case StepKind::kill_process: return kill_process(state, step);
    case StepKind::stop_process: return stop_process(state, step);
    case StepKind::restart_process: return restart_process(state, step);
    case StepKind::wait_exit: return wait_exit(state, step);
    case StepKind::sleep: return keep_pumping(state.processes, step.seconds);
    case StepKind::send_garbage: return send_garbage_to(state, step);
    case StepKind::require_root: return require_root();
    case StepKind::add_cleanup:
      state.cleanups.push_back(state.substituted(step.words));
      return StepOutcome::pass();
    case StepKind::make_file:
    case StepKind::sha256_equal:
    case StepKind::require_absent:
    case StepKind::require_exists: return run_file_step(state, step);
  }
  return StepOutcome::fail("internal error: unhandled step kind");
}

}  // namespace

StepOutcome execute_step(RunState& state, const Step& step) {
  try {
    return dispatch(state, step);
  } catch (const StepFailure& failure) {
    return StepOutcome::fail(failure.what(), failure.process());
  } catch (const std::exception& error) {
    return StepOutcome::fail(error.what(), step.process);
  }
}

}  // namespace scenario
