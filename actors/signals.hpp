#pragma once
// SIGINT/SIGTERM as a readable file descriptor, so that a Loop handles a
// stop request like any other input instead of in a signal handler.
namespace p2p::actors {

// Installs the handlers (once) and returns the fd that becomes readable when
// SIGINT or SIGTERM arrives. Also ignores SIGPIPE.
int stop_signal_fd();

}  // namespace p2p::actors
