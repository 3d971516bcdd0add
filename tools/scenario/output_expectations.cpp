#include "output_expectations.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>

#include "script_tokens.hpp"
#include "stop_request.hpp"

namespace scenario {
namespace {

StepOutcome interrupted() {
  return StepOutcome::fail(std::string("interrupted by signal ") + ::strsignal(stop_request_signal()));
}

// Walks the unconsumed lines once each, even while new ones arrive and old
// ones are dropped under it.
class LineCursor {
 public:
  explicit LineCursor(const ProcessOutput& output) : output_(output), next_(output.first_unconsumed_number()) {}

  bool has_line() {
    next_ = std::max(next_, output_.first_unconsumed_number());
    return next_ - output_.first_unconsumed_number() < output_.unconsumed().size();
  }
  const std::string& line() const { return output_.unconsumed()[next_ - output_.first_unconsumed_number()]; }
  std::uint64_t line_number() const { return next_; }
  void advance() { ++next_; }

 private:
  const ProcessOutput& output_;
  std::uint64_t next_;
};

StepOutcome exited(const SupervisedProcess& process, const std::string& while_doing) {
  return StepOutcome::fail("process " + process.spec.name + " " + process.child.exit_description() + " " + while_doing,
                           process.spec.name);
}

}  // namespace

Clock::time_point deadline_after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

StepOutcome wait_for_line(ProcessTable& table, SupervisedProcess& process, const LineTest& test,
                          double seconds, const std::string& awaited, OnMatch on_match) {
  const auto deadline = deadline_after(seconds);
  LineCursor cursor(process.output);
  for (;;) {
    for (; cursor.has_line(); cursor.advance()) {
      if (!test(cursor.line())) continue;
      if (on_match == OnMatch::consume_through_match) process.output.consume_through(cursor.line_number());
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

StepOutcome require_no_line(ProcessTable& table, SupervisedProcess& process, const LineTest& test,
                            double seconds, const std::string& unwanted) {
  const auto deadline = deadline_after(seconds);
  LineCursor cursor(process.output);
  for (;;) {
    for (; cursor.has_line(); cursor.advance()) {
      if (test(cursor.line())) {
        return StepOutcome::fail("unwanted line matched " + unwanted + ": " + cursor.line(), process.spec.name);
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
