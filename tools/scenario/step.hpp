#pragma once
// One parsed line of a .scn script, plus the whole script.
//
// Arguments are kept as written: $WORK, $BIN, $PORT(NAME) and $PUBPORT(NAME)
// are substituted only when the step runs, because the work dir and the
// ports do not exist before then.

#include <cstdint>
#include <string>
#include <vector>

namespace scenario {

enum class StepKind {
  declare_trackers,  // trackers N
  start_tracker,     // start tracker K
  start_node,        // start node NAME [ARGS...]
  start_program,     // start proc NAME COMMAND...
  type_line,         // NAME> TEXT
  expect_line,       // NAME? /REGEX/ [within S]
  expect_error,      // NAME! /REGEX/ [within S]
  expect_no_line,    // NAME?? /REGEX/ [for S]
  kill_process,      // kill NAME
  stop_process,      // stop NAME
  restart_process,   // restart NAME
  wait_exit,         // wait-exit NAME [within S]
  sleep,             // sleep S
  make_file,         // file PATH SIZE
  sha256_equal,      // sha256-equal PATH1 PATH2
  require_absent,    // absent PATH
  require_exists,    // exists PATH
  send_garbage,      // garbage NAME
  require_root,      // require root
  add_cleanup,       // cleanup COMMAND...
};

struct Step {
  int line = 0;
  std::string source;              // the line as written, trimmed; quoted in every message
  StepKind kind{};
  std::string process;             // the NAME acted on; tracker K is "tK"
  std::vector<std::string> words;  // extra node args, a program's argv, or paths
  std::string text;                // typed text, or the regex between the slashes
  double seconds = 0;              // timeout, window or sleep length
  int count = 0;                   // N of `trackers N`, K of `start tracker K`
  std::uint64_t bytes = 0;         // SIZE of `file`
};

struct Script {
  std::string path;
  std::vector<Step> steps;
};

// Trackers are named by their 1-based line in tracker_info.txt.
inline std::string tracker_process_name(int index) { return "t" + std::to_string(index); }

}  // namespace scenario
