#include "script_checks.hpp"

#include <map>

#include "substitution.hpp"

namespace scenario {
namespace {

// Texts of a step in which $PORT(...) may appear.
std::vector<std::string> substitutable_texts(const Step& step) {
  std::vector<std::string> texts = step.words;
  if (!step.text.empty()) texts.push_back(step.text);
  return texts;
}

bool is_start(StepKind kind) {
  return kind == StepKind::start_tracker || kind == StepKind::start_node || kind == StepKind::start_program;
}

class ScriptChecker {
 public:
  explicit ScriptChecker(const Script& script) : script_(script) {}

  std::vector<std::string> run() {
    for (const Step& step : script_.steps) check(step);
    return errors_;
  }

 private:
  void check(const Step& step) {
    if (step.kind == StepKind::declare_trackers) {
      if (declared_trackers_ > 0) error(step, "trackers declared twice");
      declared_trackers_ = step.count;
      return;
    }
    if (step.kind == StepKind::start_tracker) {
      if (declared_trackers_ == 0) {
        error(step, "'trackers N' must come before 'start tracker'");
      } else if (step.count > declared_trackers_) {
        error(step, "tracker " + std::to_string(step.count) + " is not among the " +
                        std::to_string(declared_trackers_) + " declared");
      }
    }
    if (is_start(step.kind)) {
      const auto [earlier, fresh] = started_at_.emplace(step.process, step.line);
      if (!fresh) {
        error(step, step.process + " was already started on line " + std::to_string(earlier->second) +
                        " (use 'restart " + step.process + "')");
      }
    } else if (!step.process.empty() && !started_at_.contains(step.process)) {
      error(step, "unknown process '" + step.process + "' (no earlier 'start' names it)");
    }
    for (const std::string& text : substitutable_texts(step)) {
      for (const PortReference& reference : find_port_references(text)) check_port_reference(step, reference);
    }
  }

  void check_port_reference(const Step& step, const PortReference& reference) {
    const bool declared_tracker = is_declared_tracker(reference.name);
    if (reference.pub_port && !declared_tracker) {
      error(step, "$PUBPORT(" + reference.name + "): only declared trackers (t1, t2, ...) have a PUB port");
    } else if (!declared_tracker && !started_at_.contains(reference.name)) {
      error(step, "$PORT(" + reference.name + "): no tracker or earlier started process has that name");
    }
  }

  bool is_declared_tracker(const std::string& name) const {
    for (int index = 1; index <= declared_trackers_; ++index) {
      if (name == tracker_process_name(index)) return true;
    }
    return false;
  }

  void error(const Step& step, const std::string& message) {
    errors_.push_back(script_.path + ":" + std::to_string(step.line) + ": error: " + message);
  }

  const Script& script_;
  int declared_trackers_ = 0;
  std::map<std::string, int> started_at_;  // name -> line of its start step
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> check_script(const Script& script) { return ScriptChecker(script).run(); }

}  // namespace scenario
