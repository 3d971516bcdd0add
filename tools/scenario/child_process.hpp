#pragma once
// One started program: its pid, the pipe to its stdin and the pipe that
// carries its stdout and stderr merged (one pipe, so their order is kept).
// Only ever signals its own pid.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace scenario {

enum class WriteResult { written, input_closed, timed_out };

class ChildProcess {
 public:
  // argv[0] is searched in PATH when it holds no '/'. The child runs in
  // working_dir and dies with the runner (PR_SET_PDEATHSIG). A program that
  // cannot be executed exits 127 after printing why. Throws std::system_error
  // when the pipes or the fork fail.
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::filesystem::path& working_dir);

  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // a child still running at this point is killed and reaped

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exited_; }

  // Non-blocking read end of the output pipe, -1 once closed.
  int output_fd() const { return output_fd_; }
  void close_output();

  // Writes all of text to the child's stdin, waiting at most `timeout` for
  // room in the pipe: a child that never reads must not hang the runner.
  WriteResult write_input(std::string_view text, std::chrono::milliseconds timeout);
  void close_input();

  void send_signal(int signal_number) const;
  bool poll_exit();  // reaps without blocking; true once it has exited
  void wait_exit();  // blocks until reaped

  bool exited_cleanly() const;         // exited with status 0
  std::string exit_description() const;  // "exited with status 1", "was killed by signal 9 (Killed)"

 private:
  ChildProcess(pid_t pid, int input_fd, int output_fd) : pid_(pid), input_fd_(input_fd), output_fd_(output_fd) {}
  void release();

  pid_t pid_ = -1;
  int input_fd_ = -1;
  int output_fd_ = -1;
  bool exited_ = false;
  int wait_status_ = 0;
};

}  // namespace scenario
