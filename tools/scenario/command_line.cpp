#include "command_line.hpp"

#include <string_view>
#include <system_error>

namespace scenario {
namespace {

// Binaries are built side by side in build/bin, so the runner's own
// directory is where tracker and node are unless told otherwise.
std::filesystem::path directory_of_this_executable() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::current_path() : self.parent_path();
}

// Reads the value of `--name DIR` or `--name=DIR` at argv[i], advancing i
// past a separate value. Empty optional: argv[i] is another argument.
std::optional<std::string> option_value(std::string_view name, int argc, char** argv, int& i, std::string& error) {
  const std::string_view argument = argv[i];
  std::string value;
  if (argument.starts_with(name) && argument.substr(name.size()).starts_with("=")) {
    value = argument.substr(name.size() + 1);
  } else if (argument != name) {
    return std::nullopt;
  } else if (i + 1 < argc) {
    value = argv[++i];
  }
  if (value.empty()) error = std::string(name) + " needs a directory";
  return value;
}

}  // namespace

CommandLineParse parse_command_line(int argc, char** argv) {
  CommandLineParse parse;
  CommandLine& line = parse.command_line;
  std::optional<std::filesystem::path> bin_dir;
  for (int i = 1; i < argc && parse.error.empty(); ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      line.help = true;
    } else if (argument == "--keep") {
      line.keep_work_dir = true;
    } else if (argument == "--verbose" || argument == "-v") {
      line.verbose = true;
    } else if (argument == "--transcript") {
      line.transcript = true;
    } else if (auto bin = option_value("--bin", argc, argv, i, parse.error)) {
      bin_dir = *bin;
    } else if (auto work = option_value("--work", argc, argv, i, parse.error)) {
      line.work_dir = *work;
    } else if (argument.starts_with("-")) {
      parse.error = "unknown option " + std::string(argument);
    } else if (!line.script_path.empty()) {
      parse.error = "more than one script given";
    } else {
      line.script_path = argument;
    }
  }
  if (parse.error.empty() && !line.help && line.script_path.empty()) parse.error = "no script given";
  std::error_code ignored;  // only fails on an empty path, which is refused above
  line.bin_dir = std::filesystem::absolute(bin_dir.value_or(directory_of_this_executable()), ignored);
  return parse;
}

}  // namespace scenario
