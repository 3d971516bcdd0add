#pragma once
// scenario FILE.scn [--bin DIR] [--work DIR] [--keep] [--verbose] [--transcript]

#include <filesystem>
#include <optional>
#include <string>

namespace scenario {

struct CommandLine {
  std::string script_path;
  std::filesystem::path bin_dir;                  // absolute
  std::optional<std::filesystem::path> work_dir;  // none: a fresh /tmp/p2pscn.XXXXXX
  bool keep_work_dir = false;
  bool verbose = false;
  bool transcript = false;
  bool help = false;
};

struct CommandLineParse {
  CommandLine command_line;
  std::string error;  // empty when the arguments made sense
};

CommandLineParse parse_command_line(int argc, char** argv);

}  // namespace scenario
