#include "actors/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <system_error>

namespace p2p::actors {

namespace {
int pipe_fds[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(pipe_fds[1], &byte, 1);
}
}  // namespace

int stop_signal_fd() {
    if (pipe_fds[0] >= 0) return pipe_fds[0];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return pipe_fds[0];
}

}  // namespace p2p::actors
