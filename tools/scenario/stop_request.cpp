#include "stop_request.hpp"

#include <csignal>
#include <initializer_list>

namespace scenario {
namespace {

volatile std::sig_atomic_t requested_by_signal = 0;

void remember_stop_request(int signal_number) { requested_by_signal = signal_number; }

}  // namespace

void install_stop_request_handlers() {
  struct sigaction action {};
  action.sa_handler = remember_stop_request;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: poll() must return so the loop sees the request
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return requested_by_signal != 0; }

int stop_request_signal() { return requested_by_signal; }

}  // namespace scenario
