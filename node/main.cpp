// node: a user's program. A REPL for accounts, groups and files.
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "actors/curve.hpp"
#include "actors/event_publisher.hpp"
#include "actors/log.hpp"
#include "actors/signals.hpp"
#include "actors/zap_handler.hpp"
#include "messages/tracker_info.hpp"
#include "node/engine/transfer_engine.hpp"
#include "node/node_identity.hpp"
#include "node/repl.hpp"
#include "node/tracker_session.hpp"

namespace {

const char* kUsage = R"(usage: node IP:PORT TRACKER_INFO [--data DIR] [--request-timeout SECONDS] [--upload-limit RATE]
            [--plain] [--log-level LEVEL] [--events ENDPOINT]

Starts a p2pshare node: a REPL on stdin/stdout for accounts, groups and files.

IP:PORT       where this node serves pieces to other members.
TRACKER_INFO  the trackers, one per line: IP:PORT [pub=PORT] key=KEY ('#'
              comments); key= is the tracker's CURVE public key: the node only
              talks to the tracker that holds it.
              With several, the node talks to the primary and moves to the
              next tracker when one is silent for about a second.
--data DIR    the node's own state: its id, keys, shares, downloads
              (default ~/.p2pshare/node-IP-PORT).
--request-timeout SECONDS
              how long to wait for a tracker (for all of them, with several)
              before saying so (default 5).
--upload-limit RATE
              serve at most RATE bytes/s to other members (suffix K, M, G;
              default: no cap).
--plain       no CURVE: no encryption, no authentication (trackers must run
              --plain too). Only for trusted networks and benchmarks.
--events ENDPOINT
              publish this node's own events for zmq-monitor on a PUB bound
              at ENDPOINT (tcp://IP:PORT or ipc://PATH): its piece server's
              connections (socket.peers), its link to the tracker
              (socket.session) and its downloads (download.GROUP:
              started, progress about once a second, finished, failed). Over
              tcp it is a CURVE server with this node's key (DIR/curve_key;
              the public key is printed at start) admitting only this node's
              own key and the keys in DIR/monitor_keys; ipc:// is plain.
              A slow monitor never slows the node: events it cannot take
              are dropped (and show as a gap in zmq-monitor).
--log-level LEVEL
              error, warn, info (default) or debug: what goes to DIR/node.log.
              stdout carries only results; stderr only the ready line,
              warnings about --plain and errors that stop the node starting.

All traffic is encrypted and authenticated with ZeroMQ CURVE. The node makes
its key pair on first start (DIR/curve_key, mode 0600); the tracker binds the
session to that key, and download tickets name it.

Every result prints as lines; every failure as one line starting "error: ";
events (a join request for your group, ...) as lines starting "notice: ".
At a terminal: line editing, history (DIR/history), Tab completes commands,
groups, files and paths. Type help at the prompt for the commands.

Example:
  node 127.0.0.1:7000 tracker_info.txt --data ~/p2p/alice
  printf 'login alice pw\nlist_groups\n' | node 127.0.0.1:7000 tracker_info.txt   # as a script
)";

std::optional<uint64_t> parse_rate(const std::string& text) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        double mult = 1;
        const std::string suffix = text.substr(used);
        if (suffix == "K" || suffix == "k") mult = 1024;
        else if (suffix == "M" || suffix == "m") mult = 1024 * 1024;
        else if (suffix == "G" || suffix == "g") mult = 1024.0 * 1024 * 1024;
        else if (!suffix.empty()) return std::nullopt;
        if (v <= 0) return std::nullopt;
        return static_cast<uint64_t>(v * mult);
    } catch (...) {
        return std::nullopt;
    }
}

int usage_error(const std::string& why) {
    std::cerr << "error: " << why << "\n" << kUsage;
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // Pieces are 512 KiB buffers allocated and freed all the time: keep them
    // in the heap instead of fresh mmaps, whose page faults cost more than
    // copying the piece.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    std::vector<std::string> positional;
    std::string data_dir;
    double timeout_s = 5;
    uint64_t upload_limit = 0;
    bool plain = false;
    std::string events_endpoint;
    auto log_level = p2p::logging::Level::info;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--plain") {
            plain = true;
            continue;
        }
        if (arg == "--data" || arg == "--request-timeout" || arg == "--upload-limit" || arg == "--log-level" ||
            arg == "--events") {
            if (i + 1 >= argc) return usage_error(arg + " needs a value");
            const std::string value = argv[++i];
            if (arg == "--data") {
                data_dir = value;
                continue;
            }
            if (arg == "--events") {
                if (value.rfind("tcp://", 0) != 0 && value.rfind("ipc://", 0) != 0) {
                    return usage_error("--events wants tcp://IP:PORT or ipc://PATH, got '" + value + "'");
                }
                events_endpoint = value;
                continue;
            }
            if (arg == "--log-level") {
                auto level = p2p::logging::parse_level(value);
                if (!level) return usage_error("--log-level wants error, warn, info or debug, got '" + value + "'");
                log_level = *level;
                continue;
            }
            if (arg == "--upload-limit") {
                auto rate = parse_rate(value);
                if (!rate) return usage_error("--upload-limit wants bytes per second like 500K or 20M");
                upload_limit = *rate;
                continue;
            }
            try {
                std::size_t used = 0;
                timeout_s = std::stod(value, &used);
                if (used != value.size() || timeout_s <= 0) throw std::invalid_argument(value);
            } catch (...) {
                return usage_error("--request-timeout wants a positive number of seconds");
            }
        } else if (arg.rfind("--", 0) == 0) {
            return usage_error("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2) return usage_error("want IP:PORT and TRACKER_INFO");
    auto self = p2p::parse_host_port(positional[0]);
    if (!self) return usage_error(self.error());
    auto trackers = p2p::load_tracker_info(positional[1]);
    if (!trackers) {
        std::cerr << "error: " << trackers.error() << "\n";
        return 2;
    }
    const std::string endpoint = self->first + ":" + std::to_string(self->second);
    if (data_dir.empty()) {
        const char* home = std::getenv("HOME");
        data_dir = std::string(home ? home : ".") + "/.p2pshare/node-" + self->first + "-" +
                   std::to_string(self->second);
    }

    try {
        const int stop_fd = p2p::actors::stop_signal_fd();
        auto identity = p2p::node::load_identity(data_dir, endpoint);
        p2p::logging::open(identity.data_dir / "node.log", log_level);
        p2p::logging::info("node", "starting on ", endpoint, ", tracker ", (*trackers)[0].label(), ", data ",
                           data_dir);
        p2p::actors::Security security;
        if (plain) {
            p2p::logging::warn("node", "PLAIN mode (--plain): no encryption, no authentication");
            std::cerr << "WARNING: node runs in PLAIN mode (--plain): no encryption, no authentication. Anyone on the "
                         "network can read and forge its traffic. Use only on a trusted network or for benchmarks.\n";
        } else {
            for (std::size_t i = 0; i < trackers->size(); ++i) {
                if ((*trackers)[i].key.empty()) {
                    std::cerr << "error: " << positional[1] << ": tracker " << i + 1 << " (" << (*trackers)[i].label()
                              << ") has no key=; ask its operator for the line (`tracker --keygen`), or run with "
                                 "--plain on a trusted network\n";
                    return 2;
                }
            }
            security.own = p2p::actors::load_or_create_curve_keys(data_dir);
        }
        zmq::context_t ctx;
        // Two I/O threads: libzmq does a connection's CURVE work on the I/O
        // thread that owns it, and the tracker link, the peer requests and
        // the sealed piece streams should not all queue behind one thread.
        constexpr int kIoThreads = 2;
        ctx.set(zmq::ctxopt::io_threads, kIoThreads);
        p2p::actors::ZapHandler zap(ctx);  // before the piece server: it names each requester by its key
        p2p::node::SessionConfig session_config;
        session_config.trackers = *trackers;
        session_config.node_id = identity.node_id;
        session_config.request_timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
        session_config.security = security;
        p2p::node::EngineConfig engine_config;
        engine_config.endpoint = endpoint;
        engine_config.upload_limit = upload_limit;
        engine_config.security = security;
        // One CURVE connection per source carries requests: piece bytes come
        // sealed on a plain one (peer_protocol.hpp), so there is no per-byte
        // CURVE work left to spread over two connections.
        engine_config.connections_per_source = 1;
        engine_config.io_threads = kIoThreads;
        engine_config.events = !events_endpoint.empty();
        engine_config.process = "node-" + endpoint;  // one word: text lines need no escaping
        session_config.events = engine_config.events;
        session_config.process = engine_config.process;
        // Before the engine: its ROUTER's socket monitor and its download
        // events go to the publisher, which must be there to take them.
        std::unique_ptr<p2p::actors::EventPublisher> events;
        if (!events_endpoint.empty()) {
            try {
                events = std::make_unique<p2p::actors::EventPublisher>(
                    ctx, p2p::actors::EventsConfig{events_endpoint, engine_config.process, security,
                                                   identity.data_dir / "monitor_keys", {"peers", "peers-sealed"}});
            } catch (const std::exception& e) {
                std::cerr << "error: " << e.what() << "\n";
                return 1;
            }
            std::cerr << "node: events on " << events_endpoint;
            if (!security.plain()) std::cerr << " (key " << security.own->public_key << ")";
            std::cerr << "\n";
        }
        std::unique_ptr<p2p::actors::Actor> engine;
        try {
            engine = p2p::node::start_engine(ctx, engine_config);
        } catch (const std::exception& e) {
            p2p::logging::error("node", "cannot serve on ", endpoint, ": ", e.what());
            std::cerr << "error: cannot serve on " << endpoint << ": " << e.what() << "\n";
            return 1;
        }
        p2p::node::TrackerSession session(ctx, session_config);
        std::cerr << "node: ready on " << endpoint << " (tracker " << (*trackers)[0].label() << ", data " << data_dir
                  << ")" << std::endl;
        p2p::logging::info("node", "ready");
        p2p::node::Repl repl(ctx, session, *engine, identity, ::isatty(STDIN_FILENO) == 1);
        const int code = repl.run(stop_fd);
        p2p::logging::info("node", "stopped");
        return code;
    } catch (const std::exception& e) {
        p2p::logging::error("node", e.what());
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
