#include "process_table.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <poll.h>
#include <unistd.h>

namespace scenario {
namespace {

// Exits are found by polling waitpid, so this bounds how late one is seen.
constexpr auto pump_slice = std::chrono::milliseconds(20);

// Bounds one read burst so that one flooding child cannot starve the others.
constexpr std::size_t max_bytes_per_read_burst = 4 << 20;

}  // namespace

SupervisedProcess& ProcessTable::launch(ProcessSpec spec) {
  const auto log_path = work_dir_ / (spec.name + ".log");
  LineObserver observer;
  if (line_observer_) {
    observer = [this, name = spec.name](std::string_view line) { line_observer_(name, line); };
  }
  auto process = std::make_unique<SupervisedProcess>(std::move(spec), log_path, std::move(observer));
  process->child = ChildProcess::spawn(process->spec.argv, work_dir_);
  return *processes_.emplace_back(std::move(process));
}

void ProcessTable::relaunch(SupervisedProcess& process) {
  process.child = ChildProcess::spawn(process.spec.argv, work_dir_);
  process.exit_noted = false;
  process.output.forget_unconsumed();
  process.output.note("started again");
}

SupervisedProcess* ProcessTable::find(std::string_view name) {
  for (const auto& process : processes_) {
    if (process->spec.name == name) return process.get();
  }
  return nullptr;
}

std::vector<std::string> ProcessTable::names() const {
  std::vector<std::string> names;
  for (const auto& process : processes_) names.push_back(process->spec.name);
  return names;
}

void ProcessTable::pump(Clock::time_point deadline) {
  std::vector<pollfd> watched;
  std::vector<SupervisedProcess*> owners;
  for (const auto& process : processes_) {
    if (process->child.output_fd() < 0) continue;
    watched.push_back({process->child.output_fd(), POLLIN, 0});
    owners.push_back(process.get());
  }
  const auto until_deadline = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  const auto wait = std::clamp<std::chrono::milliseconds>(until_deadline, std::chrono::milliseconds(0), pump_slice);
  if (::poll(watched.data(), watched.size(), static_cast<int>(wait.count())) > 0) {
    for (std::size_t i = 0; i < watched.size(); ++i) {
      if (watched[i].revents != 0) read_output(*owners[i]);
    }
  }
  reap_exited();
}

void ProcessTable::read_output(SupervisedProcess& process) {
  std::array<char, 64 * 1024> buffer;
  std::size_t total = 0;
  while (process.child.output_fd() >= 0 && total < max_bytes_per_read_burst) {
    const ssize_t got = ::read(process.child.output_fd(), buffer.data(), buffer.size());
    if (got > 0) {
      process.output.feed({buffer.data(), static_cast<std::size_t>(got)});
      total += static_cast<std::size_t>(got);
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else if (got < 0 && errno == EAGAIN) {
      break;
    } else {
      process.output.finish();
      process.child.close_output();
    }
  }
  process.output.flush_log();
}

void ProcessTable::reap_exited() {
  for (const auto& process : processes_) {
    if (!process->exit_noted && process->child.poll_exit()) note_exit(*process);
  }
}

void ProcessTable::note_exit(SupervisedProcess& process) {
  // What it wrote before dying is still in the pipe; the match a step waits
  // for may be there. A grandchild holding the pipe open must not keep us
  // reading, so whatever is not there now is dropped.
  read_output(process);
  process.output.finish();
  process.child.close_output();
  process.child.close_input();
  process.output.note(process.spec.name + " " + process.child.exit_description());
  process.exit_noted = true;
}

void ProcessTable::kill_now(SupervisedProcess& process) {
  process.child.send_signal(SIGKILL);
  process.child.wait_exit();
  if (!process.exit_noted) note_exit(process);
}

void ProcessTable::terminate_all(std::chrono::milliseconds grace) {
  reap_exited();
  bool any_running = false;
  for (const auto& process : processes_) {
    if (!process->child.running()) continue;
    process->child.send_signal(SIGTERM);
    any_running = true;
  }
  const auto deadline = Clock::now() + grace;
  while (any_running && Clock::now() < deadline) {
    pump(deadline);
    any_running = std::any_of(processes_.begin(), processes_.end(),
                              [](const auto& process) { return process->child.running(); });
  }
  for (const auto& process : processes_) {
    if (process->child.running()) kill_now(*process);
  }
}

}  // namespace scenario
