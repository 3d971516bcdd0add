// zmq-monitor: watch trackers' event streams and their reachability
// (docs/zmq-monitor.md). This file only wires the parts together and maps
// failures to exit codes: 0 stopped by a signal, 1 runtime failure, 2 bad
// arguments.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "tools/zmq-monitor/command_line.hpp"
#include "tools/zmq-monitor/endpoints.hpp"
#include "tools/zmq-monitor/feed_loop.hpp"
#include "tools/zmq-monitor/stop_signal.hpp"

namespace {

int argument_error(const std::string& why) {
    std::cerr << "error: " << why << " (zmq-monitor --help for usage)\n";
    return 2;
}

std::string default_key_dir() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.p2pshare/monitor";
}

// Our CURVE identity: DIR/curve_key, made on first use. Its public key is
// what an operator lists in a tracker's DATA/monitor_keys, so say it.
p2p::actors::Security monitor_security(const p2p::monitor::Options& options) {
    p2p::actors::Security security;
    if (options.plain) return security;
    const std::string dir = options.key_dir.empty() ? default_key_dir() : options.key_dir;
    security.own = p2p::actors::load_or_create_curve_keys(dir);
    std::cerr << "zmq-monitor: public key " << security.own->public_key << " (" << dir << "/"
              << p2p::actors::kCurveKeyFile << "); add it to each tracker's DATA/monitor_keys\n";
    return security;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace p2p::monitor;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto options = parse_command_line(args);
    if (!options) return argument_error(options.error());
    if (options->help) {
        std::cout << usage_text();
        return 0;
    }
    auto endpoints = collect_endpoints(*options);
    if (!endpoints) return argument_error(endpoints.error());

    // --stats redraws the screen: in a file or a pipe that is noise, and the
    // line forms already serve logs and scripts.
    if (options->stats && ::isatty(STDOUT_FILENO) != 1) {
        return argument_error("--stats needs a terminal on stdout; for a log or a script use the plain or --json lines");
    }
    FeedConfig config{*endpoints, options->topics, options->json ? Style::Json : Style::Text, {}, options->stats};
    try {
        config.security = monitor_security(*options);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    install_stop_handlers();
    // Flushed per line: the output is usually a pipe or a file someone tails,
    // and an event seen minutes late is useless for debugging.
    auto emit = [](const std::string& line) {
        std::cout << line << '\n' << std::flush;
        return static_cast<bool>(std::cout);
    };
    try {
        auto warn = [](const std::string& line) { std::cerr << line << '\n' << std::flush; };
        const Tally tally = run_feeds(config, emit, warn);
        std::cerr << format_summary(tally) << "\n";
        return std::cout ? 0 : 1;
    } catch (const BadEndpoint& e) {
        return argument_error(e.what());
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
