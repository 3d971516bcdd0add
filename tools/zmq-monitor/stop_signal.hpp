#pragma once
// SIGINT/SIGTERM as a flag the poll loop checks. The loop polls with a short
// timeout and zmq_poll returns EINTR on a signal, so a flag is enough here;
// no self-pipe needed.
namespace p2p::monitor {

// Installs the handlers (without SA_RESTART, so a blocked poll returns) and
// ignores SIGPIPE, so that a closed stdout (e.g. `| head`) shows up as a
// failed write the loop can stop on instead of killing the process.
void install_stop_handlers();

bool stop_requested();

}  // namespace p2p::monitor
