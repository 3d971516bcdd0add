#include "output_expectations.hpp"

#include <csignal>
#include <cstring>

#include "script_tokens.hpp"
#include "stop_request.hpp"

namespace scenario {
namespace {

StepOutcome interrupted() {
  return StepOutcome::fail(std::string("interrupted by signal ") + ::strsignal(stop_request_signal()));
}

StepOutcome exited(const SupervisedProcess& process, const std::string& while_doing) {
  return StepOutcome::fail("process " + process.spec.name + " " + process.child.exit_description() + " " + while_doing,
                           process.spec.name);
}

}  // namespace

Clock::time_point deadline_after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

StepOutcome wait_for_line(ProcessTable& table, SupervisedProcess& process, const LineTest& test,
                          double seconds, const std::string& awaited) {
  const auto deadline = deadline_after(seconds);
  std::size_t already_tested = 0;  // lines known not to match, at the front of the queue
  for (;;) {
    auto& lines = process.output.unconsumed();
    for (; already_tested < lines.size(); ++already_tested) {
      if (!test(lines[already_tested])) continue;
      lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(already_tested) + 1);
      return StepOutcome::pass();
    }
    // Checked after the queue: the line may have come just before the exit.
    if (!process.child.running()) return exited(process, "before a line matched " + awaited);
    if (stop_requested()) return interrupted();
    if (Clock::now() >= deadline) {
      return StepOutcome::fail("timed out after " + format_seconds(seconds) + " s waiting for " + awaited +
                                   " from " + process.spec.name,
                               process.spec.name);
    }
    table.pump(deadline);
  }
}

StepOutcome expect_no_line(ProcessTable& table, SupervisedProcess& process, const LineTest& test,
                           double seconds, const std::string& unwanted) {
  const auto deadline = deadline_after(seconds);
  std::size_t already_tested = 0;
  for (;;) {
    const auto& lines = process.output.unconsumed();
    for (; already_tested < lines.size(); ++already_tested) {
      if (test(lines[already_tested])) {
        return StepOutcome::fail("unwanted line matched " + unwanted + ": " + lines[already_tested],
                                 process.spec.name);
      }
    }
    if (!process.child.running()) return exited(process, "while watching for " + unwanted);
    if (stop_requested()) return interrupted();
    if (Clock::now() >= deadline) return StepOutcome::pass();
    table.pump(deadline);
  }
}

StepOutcome wait_for_exit(ProcessTable& table, SupervisedProcess& process, double seconds) {
  const auto deadline = deadline_after(seconds);
  for (;;) {
    if (process.exit_noted) return StepOutcome::pass();
    if (stop_requested()) return interrupted();
    if (Clock::now() >= deadline) {
      return StepOutcome::fail("process " + process.spec.name + " still running after " + format_seconds(seconds) + " s",
                               process.spec.name);
    }
    table.pump(deadline);
  }
}

StepOutcome keep_pumping(ProcessTable& table, double seconds) {
  const auto deadline = deadline_after(seconds);
  while (Clock::now() < deadline) {
    if (stop_requested()) return interrupted();
    table.pump(deadline);
  }
  return StepOutcome::pass();
}

}  // namespace scenario
