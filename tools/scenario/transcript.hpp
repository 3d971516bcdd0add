#pragma once
// --transcript: a readable log of the run for people watching a demo. Each
// step is printed as it starts, with the time since the start, and every
// line a process prints is shown as it arrives, tagged with its name.
//
//   [  0.41] alice> login alice pw
//            alice | ok: logged in as alice

#include <chrono>
#include <iosfwd>
#include <string_view>

#include "step.hpp"

namespace scenario {

class Transcript {
 public:
  Transcript(std::ostream& out, const Script& script);

  void step_started(const Step& step);
  void output_line(std::string_view process, std::string_view line);

 private:
  std::ostream& out_;
  std::chrono::steady_clock::time_point started_;
  std::size_t name_width_ = 0;  // names are padded to line up the output
};

}  // namespace scenario
