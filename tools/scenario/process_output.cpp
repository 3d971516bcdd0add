#include "process_output.hpp"

#include <cerrno>
#include <system_error>
#include <utility>

namespace scenario {
namespace {

// A line longer than this is cut: it is surely not what a step waits for,
// and std::regex recursion on huge lines could overflow the stack.
constexpr std::size_t longest_line = 64 * 1024;

}  // namespace

ProcessOutput::ProcessOutput(const std::filesystem::path& log_path) {
  // "e": close-on-exec, so the log is not inherited by the children.
  log_ = std::fopen(log_path.c_str(), "ae");
  if (log_ == nullptr) throw std::system_error(errno, std::generic_category(), "opening " + log_path.string());
}

ProcessOutput::~ProcessOutput() {
  if (log_ != nullptr) std::fclose(log_);
}

void ProcessOutput::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_line_.append(bytes);
      if (partial_line_.size() >= longest_line) add_line(std::exchange(partial_line_, {}));
      return;
    }
    partial_line_.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline + 1);
    add_line(std::exchange(partial_line_, {}));
  }
}

void ProcessOutput::finish() {
  if (!partial_line_.empty()) add_line(std::exchange(partial_line_, {}));
}

void ProcessOutput::note(std::string_view text) { remember("[scenario] " + std::string(text)); }

void ProcessOutput::add_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() > longest_line) line.resize(longest_line);
  std::fwrite(line.data(), 1, line.size(), log_);
  std::fputc('\n', log_);
  // Flushed per line: the log must be complete when a child crashes the test.
  std::fflush(log_);
  unconsumed_.push_back(line);
  remember(std::move(line));
}

void ProcessOutput::remember(std::string line) {
  recent_.push_back(std::move(line));
  while (recent_.size() > recent_line_count) recent_.pop_front();
}

}  // namespace scenario
