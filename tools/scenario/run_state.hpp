#pragma once
// Everything a running scenario owns: its dirs, the ports handed out, the
// processes started, a random source. Steps read and change it.

#include <filesystem>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "port_book.hpp"
#include "process_table.hpp"
#include "random_bytes.hpp"

namespace scenario {

struct RunSettings {
  std::filesystem::path work_dir;  // absolute
  std::filesystem::path bin_dir;   // absolute; holds `tracker` and `node`
};

class RunState {
 public:
  explicit RunState(RunSettings settings)
      : settings(std::move(settings)), processes(this->settings.work_dir), random(seeded_random_engine()) {}

  RunSettings settings;
  PortBook ports;
  LoopbackPortPicker port_picker;
  ProcessTable processes;
  RandomEngine random;
  // `cleanup` commands, substituted, in the order they were added.
  std::vector<std::vector<std::string>> cleanups;

  // $WORK, $BIN, $PORT(NAME), $PUBPORT(NAME) replaced; StepFailure on an unknown name.
  std::string substituted(std::string_view text) const;
  std::vector<std::string> substituted(const std::vector<std::string>& words) const;
  std::regex substituted_regex(const std::string& pattern) const;

  // A step's PATH: substituted, and taken relative to the work dir.
  std::filesystem::path work_path(std::string_view path) const;

  // The process a step names; StepFailure if none was started by that name.
  SupervisedProcess& process(const std::string& name);
};

}  // namespace scenario
