#pragma once
// What running one step came to. Helpers deep inside a step throw
// StepFailure; the step runner turns it into a failed StepOutcome.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace scenario {

struct StepOutcome {
  bool passed = true;
  std::string reason;
  // Whose recent output explains the failure; empty means everyone's.
  std::vector<std::string> concerned_processes;
  // Not passed, yet not failed either: the machine cannot run the script
  // (`require root` as another user); the run stops and says so.
  bool skipped = false;

  static StepOutcome pass() { return {}; }
  static StepOutcome fail(std::string reason, std::string process = {}) {
    StepOutcome outcome{false, std::move(reason), {}};
    if (!process.empty()) outcome.concerned_processes.push_back(std::move(process));
    return outcome;
  }
  static StepOutcome skip(std::string reason) { return {false, std::move(reason), {}, true}; }
};

class StepFailure : public std::runtime_error {
 public:
  explicit StepFailure(const std::string& reason, std::string process = {})
      : std::runtime_error(reason), process_(std::move(process)) {}
  const std::string& process() const { return process_; }

 private:
  std::string process_;
};

}  // namespace scenario
