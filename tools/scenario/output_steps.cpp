#include "output_steps.hpp"

#include <regex>

#include "output_expectations.hpp"
#include "script_tokens.hpp"

namespace scenario {
namespace {

constexpr std::string_view error_prefix = "error:";

std::string slashed(const std::string& pattern) { return "/" + pattern + "/"; }

}  // namespace

StepOutcome expect_line(RunState& state, const Step& step) {
  const std::regex regex = state.substituted_regex(step.text);
  return wait_for_line(
      state.processes, state.process(step.process),
      [&regex](const std::string& line) { return std::regex_search(line, regex); }, step.seconds, slashed(step.text));
}

StepOutcome expect_error(RunState& state, const Step& step) {
  const std::regex regex = state.substituted_regex(step.text);
  const auto is_matching_error = [&regex](const std::string& line) {
    if (!line.starts_with(error_prefix)) return false;
    const std::string reason(trim(std::string_view(line).substr(error_prefix.size())));
    return std::regex_search(reason, regex);
  };
  return wait_for_line(state.processes, state.process(step.process), is_matching_error, step.seconds,
                       "an \"error:\" line matching " + slashed(step.text));
}

StepOutcome expect_no_line(RunState& state, const Step& step) {
  const std::regex regex = state.substituted_regex(step.text);
  return require_no_line(
      state.processes, state.process(step.process),
      [&regex](const std::string& line) { return std::regex_search(line, regex); }, step.seconds, slashed(step.text));
}

}  // namespace scenario
