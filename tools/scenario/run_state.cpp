#include "run_state.hpp"

#include "step_outcome.hpp"
#include "substitution.hpp"

namespace scenario {
namespace {

SubstitutionValues values_of(const RunState& state) {
  return {state.settings.work_dir.string(), state.settings.bin_dir.string(), &state.ports};
}

}  // namespace

std::string RunState::substituted(std::string_view text) const {
  return substitute(text, values_of(*this), SubstitutionTarget::plain_text);
}

std::vector<std::string> RunState::substituted(const std::vector<std::string>& words) const {
  std::vector<std::string> result;
  for (const std::string& word : words) result.push_back(substituted(word));
  return result;
}

std::regex RunState::substituted_regex(const std::string& pattern) const {
  const std::string expanded = substitute(pattern, values_of(*this), SubstitutionTarget::regex);
  try {
    return std::regex(expanded, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    throw StepFailure("bad regex /" + expanded + "/ after substitution: " + error.what());
  }
}

std::filesystem::path RunState::work_path(std::string_view path) const {
  const std::filesystem::path expanded(substituted(path));
  return expanded.is_absolute() ? expanded : settings.work_dir / expanded;
}

SupervisedProcess& RunState::process(const std::string& name) {
  SupervisedProcess* found = processes.find(name);
  if (found == nullptr) throw StepFailure("process " + name + " was never started", name);
  return *found;
}

}  // namespace scenario
