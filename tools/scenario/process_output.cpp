#include "process_output.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "big_stack_thread.hpp"

namespace scenario {
namespace {

// Output without a newline is split into lines this long: it bounds memory,
// and the runner's stack (big_stack_thread.hpp) is sized for std::regex on
// lines this long.
constexpr std::size_t longest_line = longest_line_bytes;

}  // namespace

ProcessOutput::ProcessOutput(const std::filesystem::path& log_path, LineObserver observer)
    : observer_(std::move(observer)) {
  // "e": close-on-exec, so the log is not inherited by the children.
  log_ = std::fopen(log_path.c_str(), "ae");
  if (log_ == nullptr) throw std::system_error(errno, std::generic_category(), "opening " + log_path.string());
}

ProcessOutput::~ProcessOutput() {
  if (log_ != nullptr) std::fclose(log_);
}

void ProcessOutput::feed(std::string_view bytes) {
  // Invariant: partial_line_ is shorter than longest_line between calls.
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::size_t take =
        std::min(newline == std::string_view::npos ? bytes.size() : newline, longest_line - partial_line_.size());
    partial_line_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (!bytes.empty() && bytes.front() == '\n') {
      bytes.remove_prefix(1);
      add_line(std::exchange(partial_line_, {}));
    } else if (partial_line_.size() == longest_line) {
      add_line(std::exchange(partial_line_, {}));
    }
  }
}

void ProcessOutput::finish() {
  if (!partial_line_.empty()) add_line(std::exchange(partial_line_, {}));
}

void ProcessOutput::flush_log() { std::fflush(log_); }

void ProcessOutput::consume_through(std::uint64_t line_number) {
  while (!unconsumed_.empty() && first_unconsumed_number_ <= line_number) pop_unconsumed();
}

void ProcessOutput::forget_unconsumed() {
  while (!unconsumed_.empty()) pop_unconsumed();
}

void ProcessOutput::pop_unconsumed() {
  unconsumed_bytes_ -= unconsumed_.front().size();
  unconsumed_.pop_front();
  ++first_unconsumed_number_;
}

void ProcessOutput::note(std::string_view text) { remember("[scenario] " + std::string(text)); }

void ProcessOutput::add_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::fwrite(line.data(), 1, line.size(), log_);
  std::fputc('\n', log_);
  if (observer_) observer_(line);
  unconsumed_bytes_ += line.size();
  unconsumed_.push_back(line);
  remember(std::move(line));
  if (unconsumed_.size() > max_unconsumed_lines || unconsumed_bytes_ > max_unconsumed_bytes) {
    if (dropped_lines_++ == 0) note("too much unconsumed output: dropping the oldest lines");
    pop_unconsumed();
  }
}

void ProcessOutput::remember(std::string line) {
  recent_.push_back(std::move(line));
  while (recent_.size() > recent_line_count) recent_.pop_front();
}

}  // namespace scenario
