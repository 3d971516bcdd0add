#include "failure_report.hpp"

#include <ostream>

namespace scenario {
namespace {

// The report is read by a person; whole lines are in WORK/NAME.log.
constexpr std::size_t longest_shown_line = 500;

void print_line(std::ostream& err, const std::string& line) {
  if (line.size() <= longest_shown_line) {
    err << line << "\n";
    return;
  }
  err << line.substr(0, longest_shown_line) << " [... " << line.size() - longest_shown_line << " more bytes]\n";
}

void print_recent_output(std::ostream& err, SupervisedProcess& process) {
  err << "--- recent output of " << process.spec.name << " ---\n";
  const auto lines = process.output.recent();
  if (lines.empty()) err << "(nothing)\n";
  for (const std::string& line : lines) print_line(err, line);
}

}  // namespace

void print_failure(std::ostream& err, const std::string& script_path, const Step& step, const StepOutcome& outcome,
                   ProcessTable& processes) {
  // What the children printed up to the moment of failure belongs in the
  // report, even the lines nobody waited for.
  processes.pump(Clock::now());
  err << script_path << ":" << step.line << ": FAILED: " << step.source << ": " << outcome.reason << "\n";
  const auto names = outcome.concerned_processes.empty() ? processes.names() : outcome.concerned_processes;
  for (const std::string& name : names) {
    if (SupervisedProcess* process = processes.find(name)) print_recent_output(err, *process);
  }
  err.flush();
}

}  // namespace scenario
