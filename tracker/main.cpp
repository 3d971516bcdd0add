// tracker: keeps accounts, groups and their catalogues; never holds file bytes.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <zmq_addon.hpp>

#include "actors/curve.hpp"
#include "actors/event_publisher.hpp"
#include "actors/log.hpp"
#include "actors/loop.hpp"
#include "actors/zap_handler.hpp"
#include "tracker/monitor_keys.hpp"
#include "actors/signals.hpp"
#include "tracker/tracker_server.hpp"

namespace {

const char* kUsage = R"usage(usage: tracker TRACKER_INFO N [--data DIR] [--session-timeout SECONDS] [--ticket-ttl SECONDS]
                    [--peer-timeout SECONDS] [--plain] [--log-level LEVEL] [--events ENDPOINT]
       tracker TRACKER_INFO N --keygen   |   tracker --keygen --data DIR

Runs tracker number N (1-based) of the trackers listed in TRACKER_INFO.

TRACKER_INFO  one tracker per line: IP:PORT [pub=PORT] [repl=PORT] [key=value ...];
              '#' starts a comment. Requests arrive on PORT, events are published
              on the pub port (PORT+1 unless given), trackers replicate to each
              other on the repl port (PORT+2 unless given).
              With two or more trackers one is primary and the others are
              standbys holding a copy of every acknowledged change; a standby
              takes over when the primary is gone and nodes come to it (see
              docs/replication.md).
N             which line of TRACKER_INFO is this tracker.
--data DIR    where the journal and snapshots live
              (default ~/.p2pshare/tracker-N). Every acknowledged change is on
              disk there before the node hears "ok". DIR/ticket_key is the
              key that signs download tickets (made on first start; keep it).
--session-timeout SECONDS
              a node silent this long loses its session (default 5).
--ticket-ttl SECONDS
              how long a download ticket lets its holder fetch pieces
              (default 60); a downloader asks for a fresh one every 2 s as
              it runs, so this is also how long a source that missed a
              member_left event (reconnecting at that moment) may still
              serve the leaver.
--peer-timeout SECONDS
              another tracker silent this long is lost (default 1).
--keygen      print this tracker's CURVE public key as the word to put on its
              line of TRACKER_INFO (key=...), making the key pair in the data
              dir (DIR/curve_key, mode 0600) if there is none yet; then exit.
--plain       no CURVE: plain TCP, no encryption, no authentication. Only for
              trusted networks and benchmarks; says so loudly at start.
--events ENDPOINT
              also publish this process's own socket events (connections to
              its request and event ports made, lost or refused: topics
              socket.router, socket.pub) on a PUB bound at ENDPOINT
              (tcp://IP:PORT or ipc://PATH), for zmq-monitor. Over tcp it is
              a CURVE server with this tracker's key, admitting only that
              key and the keys in DIR/monitor_keys; ipc:// is plain.
--log-level LEVEL
              error, warn, info (default) or debug: what goes to DIR/tracker.log
              (recovery repairs, role changes, sessions that expire, ...).
              stderr carries only the ready and stopped lines, warnings about
              --plain and errors that stop it.

Every socket uses ZeroMQ CURVE: nodes and other trackers only talk to the
holder of the key= on this tracker's line, and this tracker refuses to start
when its data dir holds another key.

The event (pub) port is for operators: group events name members and files,
so only the trackers' own keys and the keys listed in DIR/monitor_keys (one
per line, read at each connection: no restart needed) may subscribe, e.g.
zmq-monitor --key-dir DIR. Nodes get their groups' events over their own
connection.

Console commands (stdin): status (role, peers, counters), promote (make this
standby the primary: for when the other trackers are gone for good), help, quit.
SIGINT/SIGTERM stop it cleanly.

Example (two trackers, each in its own terminal):
  echo "127.0.0.1:6000 $(tracker --keygen --data /var/lib/p2pshare/t1)" >  tracker_info.txt
  echo "127.0.0.1:6010 $(tracker --keygen --data /var/lib/p2pshare/t2)" >> tracker_info.txt
  tracker tracker_info.txt 1 --data /var/lib/p2pshare/t1
  tracker tracker_info.txt 2 --data /var/lib/p2pshare/t2
)usage";

int usage_error(const std::string& why) {
    std::cerr << "error: " << why << "\n" << kUsage;
    return 2;
}

struct Options {
    std::string info_path;
    uint32_t index = 0;
    std::string data_dir;
    double session_timeout_s = 5;
    double ticket_ttl_s = 60;
    double peer_timeout_s = 1;
    bool plain = false;
    bool keygen = false;
    std::string events;  // --events ENDPOINT, "" = none
    p2p::logging::Level log_level = p2p::logging::Level::info;
};

// CURVE: this tracker's key pair (made on first start) must be the one
// tracker_info.txt names, and every peer tracker must have a key there.
// Returns the problem, "" when all is well.
std::string check_keys(const std::vector<p2p::TrackerAddress>& trackers, uint32_t index, const std::string& info_path,
                       const p2p::actors::CurveKeys& own) {
    const auto& mine = trackers[index - 1];
    if (mine.key.empty()) {
        return info_path + ": tracker " + std::to_string(index) + " has no key=; add this word to its line:\n  key=" +
               own.public_key + "\n(or run with --plain on a trusted network)";
    }
    if (mine.key != own.public_key) {
        return info_path + ": the key= of tracker " + std::to_string(index) +
               " is not this tracker's key (its data dir holds key=" + own.public_key +
               "); fix the line, or start it with the data dir that holds that key";
    }
    for (std::size_t i = 0; i < trackers.size(); ++i) {
        if (trackers[i].key.empty()) {
            return info_path + ": tracker " + std::to_string(i + 1) +
                   " has no key= (trackers only replicate with peers whose key they know)";
        }
    }
    return {};
}

bool parse_number(const std::string& text, double& out) {
    try {
        std::size_t used = 0;
        out = std::stod(text, &used);
        return used == text.size() && out > 0;
    } catch (...) {
        return false;
    }
}

std::string home_dir() {
    const char* home = std::getenv("HOME");
    return home ? home : ".";
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--plain" || arg == "--keygen") {
            (arg == "--plain" ? opt.plain : opt.keygen) = true;
            continue;
        }
        if (arg == "--data" || arg == "--session-timeout" || arg == "--ticket-ttl" || arg == "--peer-timeout" ||
            arg == "--log-level" || arg == "--events") {
            if (i + 1 >= argc) return usage_error(arg + " needs a value");
            const std::string value = argv[++i];
            if (arg == "--data") {
                opt.data_dir = value;
            } else if (arg == "--events") {
                if (value.rfind("tcp://", 0) != 0 && value.rfind("ipc://", 0) != 0) {
                    return usage_error("--events wants tcp://IP:PORT or ipc://PATH, got '" + value + "'");
                }
                opt.events = value;
            } else if (arg == "--log-level") {
                auto level = p2p::logging::parse_level(value);
                if (!level) return usage_error("--log-level wants error, warn, info or debug, got '" + value + "'");
                opt.log_level = *level;
            } else if (arg == "--session-timeout" && !parse_number(value, opt.session_timeout_s)) {
                return usage_error("--session-timeout wants a positive number of seconds");
            } else if (arg == "--ticket-ttl" && (!parse_number(value, opt.ticket_ttl_s) || opt.ticket_ttl_s < 1)) {
                return usage_error("--ticket-ttl wants a number of seconds, at least 1");
            } else if (arg == "--peer-timeout" && (!parse_number(value, opt.peer_timeout_s) || opt.peer_timeout_s < 0.2)) {
                return usage_error("--peer-timeout wants a number of seconds, at least 0.2");
            }
        } else if (arg.rfind("--", 0) == 0) {
            return usage_error("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (opt.keygen && !opt.data_dir.empty() && positional.empty()) {
        try {
            std::cout << "key=" << p2p::actors::load_or_create_curve_keys(opt.data_dir).public_key << std::endl;
            return 0;
        } catch (const std::exception& e) {
            std::cerr << "error: " << e.what() << "\n";
            return 1;
        }
    }
    if (positional.size() != 2) return usage_error("want TRACKER_INFO and N");
    opt.info_path = positional[0];
    try {
        std::size_t used = 0;
        const long n = std::stol(positional[1], &used);
        if (used != positional[1].size() || n < 1) throw std::invalid_argument("n");
        opt.index = static_cast<uint32_t>(n);
    } catch (...) {
        return usage_error("N must be a tracker number (1, 2, ...), got '" + positional[1] + "'");
    }

    auto trackers = p2p::load_tracker_info(opt.info_path);
    if (!trackers) {
        std::cerr << "error: " << trackers.error() << "\n";
        return 2;
    }
    if (opt.index > trackers->size()) {
        std::cerr << "error: " << opt.info_path << " lists " << trackers->size() << " tracker(s); there is no tracker "
                  << opt.index << "\n";
        return 2;
    }
    p2p::tracker::TrackerConfig config;
    config.index = opt.index;
    config.trackers = *trackers;
    config.data_dir = opt.data_dir.empty() ? home_dir() + "/.p2pshare/tracker-" + std::to_string(opt.index)
                                           : opt.data_dir;
    config.session_timeout = std::chrono::milliseconds(static_cast<long>(opt.session_timeout_s * 1000));
    config.ticket_ttl = std::chrono::seconds(static_cast<long>(opt.ticket_ttl_s));
    config.peer_timeout = std::chrono::milliseconds(static_cast<long>(opt.peer_timeout_s * 1000));
    config.peer_interval = std::max(std::chrono::milliseconds(20), config.peer_timeout / 5);
    if (opt.keygen || !opt.plain) {
        try {
            const auto keys = p2p::actors::load_or_create_curve_keys(config.data_dir);
            if (opt.keygen) {
                std::cout << "key=" << keys.public_key << std::endl;
                return 0;
            }
            if (auto problem = check_keys(config.trackers, opt.index, opt.info_path, keys); !problem.empty()) {
                std::cerr << "error: " << problem << "\n";
                return 2;
            }
            config.security.own = keys;
        } catch (const std::exception& e) {
            std::cerr << "error: " << e.what() << "\n";
            return 1;
        }
    } else {
        std::cerr << "WARNING: tracker " << opt.index
                  << " runs in PLAIN mode (--plain): no encryption, no authentication. Anyone on the network can read "
                     "and forge its traffic. Use only on a trusted network or for benchmarks.\n";
    }

    const std::string who = "tracker " + std::to_string(opt.index);
    try {
        std::filesystem::create_directories(config.data_dir);
        p2p::logging::open(config.data_dir / "tracker.log", opt.log_level);
    } catch (const std::exception& e) {
        std::cerr << "error: " << who << " could not start: " << e.what() << "\n";
        return 1;
    }
    p2p::logging::info("tracker", "starting ", who, " on ", config.address().rpc_endpoint(), " (events on ",
                       config.address().pub_endpoint(), "), data ", config.data_dir.string(),
                       opt.plain ? "; PLAIN mode, no CURVE" : "");

    const int stop_fd = p2p::actors::stop_signal_fd();
    zmq::context_t ctx;
    std::vector<std::string> operator_keys;  // who may read the event port besides DATA/monitor_keys
    for (const auto& t : config.trackers) operator_keys.push_back(t.key);
    try {
        for (const auto& bad : p2p::tracker::read_monitor_keys(config.data_dir).bad_lines) {
            std::cerr << "warning: " << (config.data_dir / p2p::tracker::kMonitorKeysFile).string() << " " << bad
                      << " (skipped)\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "warning: " << e.what() << " (no monitor may read events until it is readable)\n";
    }
    // Before any server socket: it names each client by its key.
    p2p::actors::ZapHandler zap(ctx, p2p::tracker::tracker_zap_policy(operator_keys, config.data_dir));
    // Before the server: it turns on its sockets' monitors, which this reads.
    std::unique_ptr<p2p::actors::EventPublisher> events;
    config.watch_sockets = !opt.events.empty();
    std::unique_ptr<p2p::actors::Actor> server;
    try {
        if (!opt.events.empty()) {
            events = std::make_unique<p2p::actors::EventPublisher>(
                ctx, p2p::actors::EventsConfig{opt.events, "tracker-" + std::to_string(opt.index), config.security,
                                               config.data_dir / "monitor_keys", {"router", "pub"}});
        }
        server = p2p::tracker::start_tracker(ctx, config);
    } catch (const std::exception& e) {
        p2p::logging::error("tracker", "could not start: ", e.what());
        std::cerr << "error: " << who << " could not start: " << e.what() << "\n";
        return 1;
    }
    p2p::logging::info("tracker", "ready");
    std::cerr << who << ": ready on " << config.address().rpc_endpoint() << " (events on "
              << config.address().pub_endpoint();
    if (config.trackers.size() > 1) std::cerr << ", replication on " << config.address().repl_endpoint();
    std::cerr << "), data " << config.data_dir.string() << std::endl;

    int exit_code = 0;
    p2p::actors::Loop loop;
    std::string pending;
    loop.on_fd(stop_fd, [&] { loop.stop(); });
    loop.on(server->pipe(), [&] {
        zmq::multipart_t msg;
        while (msg.recv(server->pipe(), static_cast<int>(zmq::recv_flags::dontwait))) {
            if (msg.size() == 2 && msg[0].to_string_view() == "STATUS") {
                std::cout << msg[1].to_string() << std::endl;
            } else if (msg.size() == 2 && msg[0].to_string_view() == "ROLE") {
                p2p::logging::info("tracker", msg[1].to_string());
                std::cout << "notice: " << msg[1].to_string() << std::endl;
            } else if (msg.size() >= 2) {  // FAILED or an actor error
                p2p::logging::error("tracker", "stopping: ", msg[1].to_string());
                std::cerr << "error: " << msg[1].to_string() << std::endl;
                exit_code = 1;
                loop.stop();
                return;
            }
        }
    });
    loop.on_fd(STDIN_FILENO, [&] {
        char buf[4096];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0) {
            // No console (stdin closed or /dev/null): keep serving until a signal.
            loop.remove_fd(STDIN_FILENO);
            return;
        }
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (line == "quit" || line == "exit") {
                loop.stop();
                return;
            }
            if (line == "status") {
                server->pipe().send(zmq::str_buffer("STATUS"), zmq::send_flags::none);
            } else if (line == "promote") {
                server->pipe().send(zmq::str_buffer("PROMOTE"), zmq::send_flags::none);
            } else if (line == "help") {
                std::cout << "commands: status, promote, help, quit" << std::endl;
            } else if (!line.empty()) {
                std::cout << "error: unknown command '" << line << "' (commands: status, promote, help, quit)"
                          << std::endl;
            }
        }
    });
    loop.run();
    server.reset();
    p2p::logging::info("tracker", "stopped");
    std::cerr << who << ": stopped" << std::endl;
    return exit_code;
}
