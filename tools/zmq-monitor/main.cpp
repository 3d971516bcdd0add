// zmq-monitor: watch trackers' event streams and their reachability
// (docs/zmq-monitor.md). This file only wires the parts together and maps
// failures to exit codes: 0 stopped by a signal, 1 runtime failure, 2 bad
// arguments.
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

    install_stop_handlers();
    FeedConfig config{*endpoints, options->topics, options->json ? Style::Json : Style::Text};
    // Flushed per line: the output is usually a pipe or a file someone tails,
    // and an event seen minutes late is useless for debugging.
    auto emit = [](const std::string& line) {
        std::cout << line << '\n' << std::flush;
        return static_cast<bool>(std::cout);
    };
    try {
        const Tally tally = run_feeds(config, emit);
        std::cerr << format_summary(tally) << "\n";
        return std::cout ? 0 : 1;
    } catch (const BadEndpoint& e) {
        return argument_error(e.what());
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
