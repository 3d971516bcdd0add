#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace scenario {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void set_non_blocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Only async-signal-safe calls from here on: the runner may have threads
// (ZeroMQ's) while it forks.
void write_text(int fd, const char* text) {
  const ssize_t ignored = ::write(fd, text, std::strlen(text));
  (void)ignored;
}

[[noreturn]] void become_program(char* const* argv, const char* working_dir, int input_fd, int output_fd,
                                 pid_t runner, const char* exec_failure_prefix) {
  // If the runner is killed it cannot clean up; the kernel then kills us.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != runner) ::_exit(127);  // the runner died before prctl took effect
  // The runner ignores SIGPIPE, and an ignored signal stays ignored across exec.
  ::signal(SIGPIPE, SIG_DFL);
  ::dup2(input_fd, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  if (::chdir(working_dir) != 0) {
    write_text(STDERR_FILENO, "scenario: cannot enter the work dir\n");
    ::_exit(127);
  }
  ::execvp(argv[0], argv);
  const int error = errno;
  write_text(STDERR_FILENO, exec_failure_prefix);
  write_text(STDERR_FILENO, std::strerror(error));
  write_text(STDERR_FILENO, "\n");
  ::_exit(127);
}

}  // namespace

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, const std::filesystem::path& working_dir) {
  if (argv.empty()) throw std::system_error(EINVAL, std::generic_category(), "empty command line");
  int input_pipe[2];
  int output_pipe[2];
  if (::pipe2(input_pipe, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  if (::pipe2(output_pipe, O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(input_pipe[0]);
    ::close(input_pipe[1]);
    throw std::system_error(error, std::generic_category(), "pipe");
  }
  // A bigger pipe lets a chatty child run on while the runner hashes a file.
  ::fcntl(output_pipe[0], F_SETPIPE_SZ, 1 << 20);

  // Built before fork: the child must not allocate.
  std::vector<char*> c_argv;
  for (const std::string& word : argv) c_argv.push_back(const_cast<char*>(word.c_str()));
  c_argv.push_back(nullptr);
  const std::string exec_failure_prefix = "scenario: cannot execute " + argv[0] + ": ";
  const std::string dir = working_dir.string();
  const pid_t runner = ::getpid();

  const pid_t pid = ::fork();
  if (pid == 0) {
    become_program(c_argv.data(), dir.c_str(), input_pipe[0], output_pipe[1], runner, exec_failure_prefix.c_str());
  }
  const int fork_error = errno;
  ::close(input_pipe[0]);
  ::close(output_pipe[1]);
  if (pid < 0) {
    ::close(input_pipe[1]);
    ::close(output_pipe[0]);
    throw std::system_error(fork_error, std::generic_category(), "fork");
  }
  set_non_blocking(input_pipe[1]);
  set_non_blocking(output_pipe[0]);
  return ChildProcess(pid, input_pipe[1], output_pipe[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      input_fd_(std::exchange(other.input_fd_, -1)),
      output_fd_(std::exchange(other.output_fd_, -1)),
      exited_(other.exited_),
      wait_status_(other.wait_status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = std::exchange(other.pid_, -1);
    input_fd_ = std::exchange(other.input_fd_, -1);
    output_fd_ = std::exchange(other.output_fd_, -1);
    exited_ = other.exited_;
    wait_status_ = other.wait_status_;
  }
  return *this;
}

ChildProcess::~ChildProcess() { release(); }

void ChildProcess::release() {
  if (running()) {
    send_signal(SIGKILL);
    wait_exit();
  }
  close_fd(input_fd_);
  close_fd(output_fd_);
}

void ChildProcess::close_output() { close_fd(output_fd_); }

void ChildProcess::close_input() { close_fd(input_fd_); }

WriteResult ChildProcess::write_input(std::string_view text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!text.empty()) {
    if (input_fd_ < 0) return WriteResult::input_closed;
    const ssize_t written = ::write(input_fd_, text.data(), text.size());
    if (written > 0) {
      text.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return WriteResult::input_closed;  // EPIPE: nobody reads any more
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return WriteResult::timed_out;
    pollfd room{input_fd_, POLLOUT, 0};
    ::poll(&room, 1, static_cast<int>(left.count()));
  }
  return WriteResult::written;
}

void ChildProcess::send_signal(int signal_number) const {
  if (running()) ::kill(pid_, signal_number);
}

bool ChildProcess::poll_exit() {
  if (pid_ <= 0 || exited_) return true;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == pid_) {
    exited_ = true;
    wait_status_ = status;
  } else if (reaped < 0 && errno == ECHILD) {
    exited_ = true;  // not ours to wait for any more; should not happen
  }
  return exited_;
}

void ChildProcess::wait_exit() {
  while (running()) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, 0);
    if (reaped == pid_) {
      exited_ = true;
      wait_status_ = status;
    } else if (reaped < 0 && errno != EINTR) {
      exited_ = true;
    }
  }
}

bool ChildProcess::exited_cleanly() const {
  return exited_ && WIFEXITED(wait_status_) && WEXITSTATUS(wait_status_) == 0;
}

std::string ChildProcess::exit_description() const {
  if (!exited_) return "is still running";
  if (WIFEXITED(wait_status_)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_)) {
    const int signal_number = WTERMSIG(wait_status_);
    return "was killed by signal " + std::to_string(signal_number) + " (" + ::strsignal(signal_number) + ")";
  }
  return "ended with wait status " + std::to_string(wait_status_);
}

}  // namespace scenario
