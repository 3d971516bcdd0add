#include "process_steps.hpp"

#include <regex>
#include <unistd.h>

#include "output_expectations.hpp"
#include "script_parser.hpp"
#include "script_tokens.hpp"
#include "tracker_info_file.hpp"
#include "actors/curve.hpp"

namespace scenario {
namespace {

constexpr const char* tracker_ready_pattern = "^tracker [0-9]+: ready";
constexpr const char* node_ready_pattern = "^node: ready";
constexpr auto typing_timeout = std::chrono::seconds(5);

std::filesystem::path tracker_info_path(const RunState& state) { return state.settings.work_dir / "tracker_info.txt"; }

std::string executable(const RunState& state, const char* program) {
  const std::filesystem::path path = state.settings.bin_dir / program;
  if (::access(path.c_str(), X_OK) != 0) {
    throw StepFailure("no executable " + path.string() + " (build it, or pass --bin DIR)");
  }
  return path.string();
}

StepOutcome wait_until_ready(RunState& state, SupervisedProcess& process) {
  const std::string& pattern = process.spec.ready_pattern;
  if (pattern.empty()) return StepOutcome::pass();
  const std::regex ready(pattern);
  return wait_for_line(
      state.processes, process, [&ready](const std::string& line) { return std::regex_search(line, ready); },
      ready_line_seconds, "its ready line /" + pattern + "/", OnMatch::consume_nothing);
}

StepOutcome launch_and_wait_until_ready(RunState& state, ProcessSpec spec) {
  return wait_until_ready(state, state.processes.launch(std::move(spec)));
}

StepOutcome not_running(const SupervisedProcess& process) {
  return StepOutcome::fail("process " + process.spec.name + " is not running (it " +
                               process.child.exit_description() + ")",
                           process.spec.name);
}

}  // namespace

StepOutcome declare_trackers(RunState& state, const Step& step) {
  std::vector<ProcessPorts> trackers;
  for (int index = 1; index <= step.count; ++index) {
    ProcessPorts ports{state.port_picker.pick(), state.port_picker.pick(), state.port_picker.pick(), {}};
    // The tracker's CURVE key pair goes where it will look (its data dir),
    // and its public half into tracker_info.txt, as an operator would do
    // with `tracker --keygen`.
    const auto keys = p2p::actors::generate_curve_keys();
    const auto data_dir = state.settings.work_dir / tracker_process_name(index);
    std::filesystem::create_directories(data_dir);
    p2p::actors::write_curve_keys(data_dir, keys);
    ports.key = keys.public_key;
    state.ports.assign(tracker_process_name(index), ports);
    trackers.push_back(ports);
  }
  write_tracker_info(tracker_info_path(state), trackers);
  return StepOutcome::pass();
}

StepOutcome start_tracker(RunState& state, const Step& step) {
  const auto work = state.settings.work_dir;
  return launch_and_wait_until_ready(
      state, {step.process,
              {executable(state, "tracker"), tracker_info_path(state).string(), std::to_string(step.count), "--data",
               (work / step.process).string()},
              tracker_ready_pattern});
}

StepOutcome start_node(RunState& state, const Step& step) {
  const std::uint16_t port = state.port_picker.pick();
  state.ports.assign(step.process, {port, std::nullopt, std::nullopt, {}});
  std::vector<std::string> argv{executable(state, "node"), "127.0.0.1:" + std::to_string(port),
                                tracker_info_path(state).string(), "--data",
                                (state.settings.work_dir / step.process).string()};
  for (std::string& extra : state.substituted(step.words)) argv.push_back(std::move(extra));
  return launch_and_wait_until_ready(state, {step.process, std::move(argv), node_ready_pattern});
}

StepOutcome start_program(RunState& state, const Step& step) {
  // Picked before the argv is substituted, so the program can be told its
  // own port: start proc srv my_server $PORT(srv)
  state.ports.assign(step.process, {state.port_picker.pick(), std::nullopt, std::nullopt, {}});
  state.processes.launch({step.process, state.substituted(step.words), ""});
  return StepOutcome::pass();
}

StepOutcome restart_process(RunState& state, const Step& step) {
  SupervisedProcess& process = state.process(step.process);
  if (process.child.running()) {
    return StepOutcome::fail("process " + step.process + " is still running (kill or stop it first)", step.process);
  }
  state.processes.relaunch(process);
  return wait_until_ready(state, process);
}

StepOutcome kill_process(RunState& state, const Step& step) {
  SupervisedProcess& process = state.process(step.process);
  state.processes.pump(Clock::now());  // an exit not yet noticed would make the kill a lie
  if (!process.child.running()) return not_running(process);
  state.processes.kill_now(process);
  return StepOutcome::pass();
}

StepOutcome stop_process(RunState& state, const Step& step) {
  SupervisedProcess& process = state.process(step.process);
  process.child.close_input();
  if (!wait_for_exit(state.processes, process, stop_seconds).passed) {
    state.processes.kill_now(process);
    return StepOutcome::fail("process " + step.process + " did not exit within " + format_seconds(stop_seconds) +
                                 " s after its stdin was closed (killed)",
                             step.process);
  }
  if (!process.child.exited_cleanly()) {
    return StepOutcome::fail("process " + step.process + " " + process.child.exit_description(), step.process);
  }
  return StepOutcome::pass();
}

StepOutcome wait_exit(RunState& state, const Step& step) {
  return wait_for_exit(state.processes, state.process(step.process), step.seconds);
}

StepOutcome type_line(RunState& state, const Step& step) {
  SupervisedProcess& process = state.process(step.process);
  const std::string text = state.substituted(step.text);
  state.processes.pump(Clock::now());
  if (!process.child.running()) return not_running(process);
  process.output.note("typed: " + text);
  switch (process.child.write_input(text + "\n", typing_timeout)) {
    case WriteResult::written:
      return StepOutcome::pass();
    case WriteResult::timed_out:
      return StepOutcome::fail("process " + step.process + " has not read its stdin for 5 s", step.process);
    case WriteResult::input_closed:
      break;
  }
  state.processes.pump(Clock::now());
  if (!process.child.running()) return not_running(process);
  return StepOutcome::fail("process " + step.process + " has closed its stdin", step.process);
}

}  // namespace scenario
