#include "cleanup_commands.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <exception>

#include "child_process.hpp"

namespace scenario {
namespace {

constexpr auto cleanup_timeout = std::chrono::seconds(30);

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

// Reads what is there now; false at end of output.
bool read_available(int fd, std::string& output) {
  char buffer[4096];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      output.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    return got < 0 && errno == EAGAIN;
  }
}

// Empty when the command exited with status 0.
std::string run_one(const std::vector<std::string>& command, const std::filesystem::path& work_dir) {
  const std::string name = "cleanup `" + joined(command) + "`";
  ChildProcess child;
  try {
    child = ChildProcess::spawn(command, work_dir);
  } catch (const std::exception& error) {
    return name + " could not start: " + error.what();
  }
  child.close_input();
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + cleanup_timeout;
  bool open = true;
  while (open && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{child.output_fd(), POLLIN, 0};
    ::poll(&ready, 1, 100);
    open = read_available(child.output_fd(), output);
  }
  const bool timed_out = open;
  if (timed_out) child.send_signal(SIGKILL);
  child.wait_exit();
  if (child.exited_cleanly()) return {};
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return name + (timed_out ? " did not finish within 30 s (killed)" : " " + child.exit_description()) +
         (output.empty() ? "" : ": " + output);
}

}  // namespace

std::vector<std::string> run_cleanups(const std::vector<std::vector<std::string>>& commands,
                                      const std::filesystem::path& work_dir) {
  std::vector<std::string> problems;
  for (auto command = commands.rbegin(); command != commands.rend(); ++command) {
    if (std::string problem = run_one(*command, work_dir); !problem.empty()) problems.push_back(std::move(problem));
  }
  return problems;
}

}  // namespace scenario
