// bench: measures p2pshare on this machine, on loopback, with the processes
// it starts itself. One mode per subcommand, each in its own file; see
// docs/bench.md.
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "failover_bench.hpp"
#include "swarm_bench.hpp"
#include "tracker_bench.hpp"
#include "transfer_bench.hpp"

namespace {

struct Mode {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);  // args after the mode name
};

// New modes (transfer, swarm) add a line here and their own source file.
const Mode kModes[] = {
    {"tracker", "requests/s and latency of one tracker (and its standbys): reads, then durable writes",
     bench::tracker_main},
    {"failover", "kill -9 the primary of two trackers under writes: time to failover, nothing lost",
     bench::failover_main},
    {"transfer", "one file 1->1, 3->1, 1->3 against raw and verified TCP copies, wall time and memory", bench::transfer_main},
    {"swarm", "1 seeder -> N leechers in network namespaces with tbf upload caps, time against D_min (root)",
     bench::swarm_main},
};

void print_usage(std::ostream& out) {
    out << "usage: bench MODE [options]      (bench MODE --help for the mode's options)\n\n"
        << "Starts the processes it measures on 127.0.0.1 (swarm: in network namespaces), in a\n"
        << "temp dir, and prints a table (or JSON with --json). Binaries are taken from the\n"
        << "bench's own directory unless --bin DIR says otherwise. See docs/bench.md.\n\n"
        << "Modes:\n";
    for (const Mode& m : kModes) {
        out << "  " << m.name << std::string(m.name && std::strlen(m.name) < 10 ? 10 - std::strlen(m.name) : 1, ' ')
            << m.summary << "\n";
    }
    out << "\nExit status: 0 measured, 1 setup failed (one \"error: ...\" line), 2 bad usage.\n"
        << "\nExample:\n  bench transfer --size 256M\n  sudo bench swarm --cases 3x100,3x50s200\n";
}

}  // namespace

int main(int argc, char** argv) {
    // Writing to a child that has died must be an error code, not our death.
    std::signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        std::cerr << "error: no mode given\n";
        print_usage(std::cerr);
        return 2;
    }
    const std::string mode = argv[1];
    if (mode == "--help" || mode == "-h" || mode == "help") {
        print_usage(std::cout);
        return 0;
    }
    for (const Mode& m : kModes) {
        if (mode == m.name) return m.run(std::vector<std::string>(argv + 2, argv + argc));
    }
    std::cerr << "error: unknown mode '" << mode << "'\n";
    print_usage(std::cerr);
    return 2;
}
