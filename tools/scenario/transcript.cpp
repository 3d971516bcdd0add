#include "transcript.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace scenario {

Transcript::Transcript(std::ostream& out, const Script& script)
    : out_(out), started_(std::chrono::steady_clock::now()) {
  for (const Step& step : script.steps) name_width_ = std::max(name_width_, step.process.size());
}

void Transcript::step_started(const Step& step) {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%6.2f] ", elapsed.count());
  out_ << stamp << step.source << std::endl;
}

void Transcript::output_line(std::string_view process, std::string_view line) {
  out_ << std::string(9, ' ') << process << std::string(name_width_ - std::min(name_width_, process.size()), ' ')
       << " | " << line << "\n";
  // Flushed per line: the transcript is watched live.
  out_.flush();
}

}  // namespace scenario
