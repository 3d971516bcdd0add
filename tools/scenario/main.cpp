// scenario: replays a .scn script against tracker and node processes.
// See usage_text.cpp for the syntax and docs/scenarios.md for the manual.

#include <fcntl.h>
#include <iostream>
#include <unistd.h>

#include "big_stack_thread.hpp"
#include "command_line.hpp"
#include "run_state.hpp"
#include "scenario_run.hpp"
#include "script_parser.hpp"
#include "stop_request.hpp"
#include "transcript.hpp"
#include "usage_text.hpp"
#include "work_dir.hpp"

namespace {

constexpr int exit_passed = 0;
constexpr int exit_step_failed = 1;
constexpr int exit_usage_error = 2;
constexpr int exit_skipped = 77;  // automake's and ctest's (SKIP_RETURN_CODE) convention

// Started with a standard fd closed (CI gives no stdin), the runner's first
// pipe would take fd 0, and dup2 in the child would then go wrong.
void ensure_standard_fds_open() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1) ::open("/dev/null", O_RDWR);
  }
}

int run(int argc, char** argv) {
  using namespace scenario;

  const CommandLineParse parse = parse_command_line(argc, argv);
  const CommandLine& command_line = parse.command_line;
  if (command_line.help) {
    std::cout << usage_text();
    return exit_passed;
  }
  if (!parse.error.empty()) {
    std::cerr << "scenario: " << parse.error << "\n"
              << "usage: scenario FILE.scn [--bin DIR] [--work DIR] [--keep] [--verbose] [--transcript]"
                 " (--help for more)\n";
    return exit_usage_error;
  }

  const ParsedScript parsed = parse_script_file(command_line.script_path);
  if (!parsed.errors.empty()) {
    for (const std::string& error : parsed.errors) std::cerr << error << "\n";
    return exit_usage_error;
  }

  install_stop_request_handlers();
  std::filesystem::path work_dir;
  try {
    work_dir = create_work_dir(command_line.work_dir);
  } catch (const std::exception& error) {
    std::cerr << "scenario: " << error.what() << "\n";
    return exit_usage_error;
  }

  RunResult result = RunResult::failed;
  {
    // Scoped so that every child is terminated and reaped before the work
    // dir it writes into is removed.
    RunState state({work_dir, command_line.bin_dir});
    Transcript transcript(std::cout, parsed.script);
    if (command_line.transcript) {
      state.processes.observe_lines(
          [&transcript](std::string_view process, std::string_view line) { transcript.output_line(process, line); });
    }
    result = run_scenario(parsed.script, state, {command_line.verbose, command_line.transcript ? &transcript : nullptr},
                          std::cout, std::cerr);
  }
  if (result != RunResult::failed && !command_line.keep_work_dir) {
    remove_work_dir(work_dir);
  } else if (result != RunResult::failed) {
    std::cout << "work dir kept: " << work_dir.string() << "\n";
  } else {
    std::cerr << "work dir kept: " << work_dir.string() << "\n";
  }
  switch (result) {
    case RunResult::passed: return exit_passed;
    case RunResult::skipped: return exit_skipped;
    case RunResult::failed: break;
  }
  return exit_step_failed;
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_fds_open();
  // Children are forked from the runner thread: PR_SET_PDEATHSIG fires
  // when that thread ends, which is only after they have been reaped.
  return scenario::run_on_big_stack([&] { return run(argc, argv); });
}
