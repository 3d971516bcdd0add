#pragma once
// Every process the runner started, by name, and the one loop that reads
// their output and notices their exits. Steps never read pipes themselves:
// they call pump() while they wait.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"
#include "process_output.hpp"

namespace scenario {

using Clock = std::chrono::steady_clock;

struct ProcessSpec {
  std::string name;
  std::vector<std::string> argv;    // kept for `restart`
  std::string ready_pattern;        // line that says it is ready; empty: none awaited
};

struct SupervisedProcess {
  SupervisedProcess(ProcessSpec spec_, const std::filesystem::path& log_path, LineObserver observer)
      : spec(std::move(spec_)), output(log_path, std::move(observer)) {}

  ProcessSpec spec;
  ChildProcess child;
  ProcessOutput output;
  bool exit_noted = false;  // its exit has been drained and noted in the output
};

class ProcessTable {
 public:
  // Children run in work_dir and log to work_dir/NAME.log.
  explicit ProcessTable(std::filesystem::path work_dir) : work_dir_(std::move(work_dir)) {}
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;
  ~ProcessTable() { terminate_all(); }

  SupervisedProcess& launch(ProcessSpec spec);   // throws std::system_error
  void relaunch(SupervisedProcess& process);     // same argv; forgets unconsumed lines
  SupervisedProcess* find(std::string_view name);

  // Told of every output line of every process started from now on.
  void observe_lines(std::function<void(std::string_view process, std::string_view line)> observer) {
    line_observer_ = std::move(observer);
  }
  std::vector<std::string> names() const;        // in start order

  // Reads whatever output is ready and reaps exited children, returning
  // after at most a short slice or at the deadline, whichever is first.
  void pump(Clock::time_point deadline);

  void kill_now(SupervisedProcess& process);  // SIGKILL, reap, drain its output

  // SIGTERM to every child still running, SIGKILL to those alive after the
  // grace period; every child is reaped.
  void terminate_all(std::chrono::milliseconds grace = std::chrono::seconds(3));

 private:
  void read_output(SupervisedProcess& process);
  void reap_exited();
  void note_exit(SupervisedProcess& process);

  std::filesystem::path work_dir_;
  std::vector<std::unique_ptr<SupervisedProcess>> processes_;
  std::function<void(std::string_view process, std::string_view line)> line_observer_;
};

}  // namespace scenario
