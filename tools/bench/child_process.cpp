#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

#include "support.hpp"

namespace bench {

namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Between fork and exec only async-signal-safe calls: ZeroMQ threads may exist.
void say(const char* text) {
    const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
}

[[noreturn]] void exec_child(char* const* argv, const char* cwd, int in_fd, int out_fd, int err_fd, pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the bench died before prctl took effect
    ::signal(SIGPIPE, SIG_DFL);               // the bench ignores it; that would survive exec
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    if (::chdir(cwd) != 0) {
        say("bench: cannot enter the work dir\n");
        ::_exit(127);
    }
    ::execv(argv[0], argv);
    const char* why = std::strerror(errno);
    say("bench: cannot execute ");
    say(argv[0]);
    say(": ");
    say(why);
    say("\n");
    ::_exit(127);
}

}  // namespace

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
    if (argv.empty()) throw SetupError("empty command line");
    int fds[3][2];
    int made = 0;
    for (; made < 3; ++made) {
        if (::pipe2(fds[made], O_CLOEXEC) != 0) break;
    }
    if (made < 3) {
        const std::string why = std::strerror(errno);
        for (int i = 0; i < made; ++i) {
            ::close(fds[i][0]);
            ::close(fds[i][1]);
        }
        throw SetupError("cannot make pipes for " + argv[0] + ": " + why);
    }
    std::vector<char*> c_argv;
    for (const auto& word : argv) c_argv.push_back(const_cast<char*>(word.c_str()));
    c_argv.push_back(nullptr);
    const std::string dir = cwd.string();
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid == 0) exec_child(c_argv.data(), dir.c_str(), fds[0][0], fds[1][1], fds[2][1], parent);
    const int fork_errno = errno;
    ::close(fds[0][0]);
    ::close(fds[1][1]);
    ::close(fds[2][1]);
    if (pid < 0) {
        ::close(fds[0][1]);
        ::close(fds[1][0]);
        ::close(fds[2][0]);
        throw SetupError("cannot fork for " + argv[0] + ": " + std::strerror(fork_errno));
    }
    for (int fd : {fds[0][1], fds[1][0], fds[2][0]}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    // Output is read only now and then (between phases): room for 1 MiB of
    // it keeps a chatty child from blocking on a full pipe meanwhile.
    ::fcntl(fds[1][0], F_SETPIPE_SZ, 1 << 20);
    ::fcntl(fds[2][0], F_SETPIPE_SZ, 1 << 20);
    ChildProcess child;
    child.pid_ = pid;
    child.in_fd_ = fds[0][1];
    child.out_.fd = fds[1][0];
    child.err_.fd = fds[2][0];
    return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept { *this = std::move(other); }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        release();
        pid_ = std::exchange(other.pid_, -1);
        exited_ = other.exited_;
        status_ = other.status_;
        in_fd_ = std::exchange(other.in_fd_, -1);
        out_ = std::exchange(other.out_, Pipe{});
        err_ = std::exchange(other.err_, Pipe{});
        recent_err_ = std::move(other.recent_err_);
    }
    return *this;
}

ChildProcess::~ChildProcess() { release(); }

void ChildProcess::release() {
    if (pid_ > 0 && !exited_) kill_and_reap();
    close_fd(in_fd_);
    close_fd(out_.fd);
    close_fd(err_.fd);
}

bool ChildProcess::running() {
    if (pid_ <= 0 || exited_) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
        exited_ = true;
        status_ = status;
    }
    return !exited_;
}

bool ChildProcess::write_stdin(std::string_view text) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!text.empty()) {
        if (in_fd_ < 0) return false;
        const ssize_t n = ::write(in_fd_, text.data(), text.size());
        if (n > 0) {
            text.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) return false;  // EPIPE: it is gone
        if (Clock::now() > deadline) return false;
        pollfd room{in_fd_, POLLOUT, 0};
        ::poll(&room, 1, 100);
    }
    return true;
}

void ChildProcess::take(Pipe& pipe, Stream stream) {
    char buf[8192];
    while (pipe.fd >= 0) {
        const ssize_t n = ::read(pipe.fd, buf, sizeof buf);
        if (n > 0) {
            pipe.partial.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        close_fd(pipe.fd);  // EOF or a real error
        if (!pipe.partial.empty() && pipe.partial.back() != '\n') pipe.partial.push_back('\n');
    }
    std::size_t nl;
    while ((nl = pipe.partial.find('\n')) != std::string::npos) {
        std::string line = pipe.partial.substr(0, nl);
        pipe.partial.erase(0, nl + 1);
        if (stream == Stream::err) {
            recent_err_.push_back(line);
            if (recent_err_.size() > 20) recent_err_.pop_front();
        }
        pipe.lines.push_back(std::move(line));
        if (pipe.lines.size() > 10000) pipe.lines.pop_front();  // nobody is asking for them
    }
}

void ChildProcess::read_output(int timeout_ms) {
    pollfd pfds[2];
    nfds_t n = 0;
    for (Pipe* p : {&out_, &err_}) {
        if (p->fd >= 0) pfds[n++] = pollfd{p->fd, POLLIN, 0};
    }
    if (n == 0) {
        if (timeout_ms > 0) ::poll(nullptr, 0, timeout_ms);
        return;
    }
    ::poll(pfds, n, timeout_ms);
    take(out_, Stream::out);
    take(err_, Stream::err);
}

void ChildProcess::drain_output() { read_output(0); }

std::optional<std::string> ChildProcess::wait_for_line(Stream stream,
                                                       const std::function<bool(std::string_view)>& match,
                                                       std::chrono::milliseconds timeout) {
    Pipe& pipe = stream == Stream::out ? out_ : err_;
    const auto deadline = Clock::now() + timeout;
    for (bool last = false;;) {
        while (!pipe.lines.empty()) {
            std::string line = std::move(pipe.lines.front());
            pipe.lines.pop_front();
            if (match(line)) return line;
        }
        if (pipe.fd < 0 || last) return std::nullopt;  // EOF: it exited or closed the stream
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            // Time is up, but what has already arrived still counts (timeout 0: a look without waiting).
            read_output(0);
            last = true;
            continue;
        }
        read_output(static_cast<int>(std::min<long>(left, 100)));
    }
}

bool ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (running()) {
        if (Clock::now() >= deadline) return false;
        read_output(20);  // keeps its pipes from filling while it shuts down
    }
    return true;
}

void ChildProcess::kill_and_reap() {
    if (pid_ <= 0 || exited_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid_, &status, 0);
        if (r == pid_ || (r < 0 && errno != EINTR)) break;
    }
    exited_ = true;
    status_ = status;
}

bool ChildProcess::exited_cleanly() const { return exited_ && WIFEXITED(status_) && WEXITSTATUS(status_) == 0; }

std::string ChildProcess::exit_description() const {
    if (!exited_) return "is still running";
    if (WIFEXITED(status_)) return "exited with status " + std::to_string(WEXITSTATUS(status_));
    if (WIFSIGNALED(status_)) return "was killed by signal " + std::to_string(WTERMSIG(status_));
    return "ended with wait status " + std::to_string(status_);
}

}  // namespace bench
