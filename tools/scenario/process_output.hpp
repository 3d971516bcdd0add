#pragma once
// What one named process printed: bytes are split into lines, each line is
// appended to WORK/NAME.log, queued for expectations to consume, and kept
// in a short history that a failure report shows.

#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace scenario {

// Told of every line a process prints, as it arrives (used by --transcript).
using LineObserver = std::function<void(std::string_view line)>;

class ProcessOutput {
 public:
  static constexpr std::size_t recent_line_count = 30;
  // A process that floods output nobody waits for must not eat the
  // machine: beyond these, the oldest unconsumed lines are dropped.
  static constexpr std::size_t max_unconsumed_lines = 100000;
  static constexpr std::size_t max_unconsumed_bytes = 16 << 20;

  // Appends to the log; throws std::system_error.
  ProcessOutput(const std::filesystem::path& log_path, LineObserver observer);
  ProcessOutput(const ProcessOutput&) = delete;
  ProcessOutput& operator=(const ProcessOutput&) = delete;
  ~ProcessOutput();

  void feed(std::string_view bytes);
  void finish();  // end of output: a last line without a newline still counts
  void flush_log();  // once per read burst: per line would cost a syscall each

  // Lines not yet consumed by an expectation, oldest first. Lines are
  // numbered in arrival order; this is the number of the front one, so a
  // waiter can remember how far it has looked even as lines are consumed
  // or dropped.
  const std::deque<std::string>& unconsumed() const { return unconsumed_; }
  std::uint64_t first_unconsumed_number() const { return first_unconsumed_number_; }
  void consume_through(std::uint64_t line_number);
  // After a restart only the new run's lines are expected.
  void forget_unconsumed();

  // Runner notes (typed input, exits, restarts) shown among the recent lines
  // so that a failure reads like a transcript; they never reach the queue.
  void note(std::string_view text);

  std::vector<std::string> recent() const { return {recent_.begin(), recent_.end()}; }

 private:
  void add_line(std::string line);
  void remember(std::string line);
  void pop_unconsumed();

  std::FILE* log_ = nullptr;
  LineObserver observer_;
  std::string partial_line_;
  std::deque<std::string> unconsumed_;
  std::uint64_t first_unconsumed_number_ = 0;
  std::size_t unconsumed_bytes_ = 0;
  std::uint64_t dropped_lines_ = 0;
  std::deque<std::string> recent_;
};

}  // namespace scenario
