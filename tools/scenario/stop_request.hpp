#pragma once
// SIGINT/SIGTERM/SIGHUP to the runner end the current step as a failure,
// so that children are still terminated and the work dir is kept.

namespace scenario {

// Also ignores SIGPIPE: a child that closed its stdin must fail a step, not
// kill the runner.
void install_stop_request_handlers();
bool stop_requested();
int stop_request_signal();

}  // namespace scenario
