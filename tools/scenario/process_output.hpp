#pragma once
// What one named process printed: bytes are split into lines, each line is
// appended to WORK/NAME.log, queued for expectations to consume, and kept
// in a short history that a failure report shows.

#include <cstdio>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace scenario {

class ProcessOutput {
 public:
  static constexpr std::size_t recent_line_count = 30;

  explicit ProcessOutput(const std::filesystem::path& log_path);  // appends; throws std::system_error
  ProcessOutput(const ProcessOutput&) = delete;
  ProcessOutput& operator=(const ProcessOutput&) = delete;
  ~ProcessOutput();

  void feed(std::string_view bytes);
  void finish();  // end of output: a last line without a newline still counts

  // Lines not yet consumed by an expectation, oldest first.
  std::deque<std::string>& unconsumed() { return unconsumed_; }
  // After a restart only the new run's lines are expected.
  void forget_unconsumed() { unconsumed_.clear(); }

  // Runner notes (typed input, exits, restarts) shown among the recent lines
  // so that a failure reads like a transcript; they never reach the queue.
  void note(std::string_view text);

  std::vector<std::string> recent() const { return {recent_.begin(), recent_.end()}; }

 private:
  void add_line(std::string line);
  void remember(std::string line);

  std::FILE* log_ = nullptr;
  std::string partial_line_;
  std::deque<std::string> unconsumed_;
  std::deque<std::string> recent_;
};

}  // namespace scenario
