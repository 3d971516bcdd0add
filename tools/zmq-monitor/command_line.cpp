#include "tools/zmq-monitor/command_line.hpp"

#include <algorithm>

#include "actors/curve.hpp"
#include "tools/zmq-monitor/endpoints.hpp"

namespace p2p::monitor {

const char* usage_text() {
    return R"usage(usage: zmq-monitor [--json | --stats] [--topic PREFIX]... [--tracker-info FILE]...
                   [--key-dir DIR] [--server-key KEY] [--plain] [[KEY@]ENDPOINT...]

Subscribes to trackers' event (PUB) ports and prints one line per event:
  TIME SOURCE TOPIC TYPE [group=G] [user=U] [by=B] [file=F]
one line whenever a connection comes up, goes down or is being retried:
  TIME SOURCE connected|disconnected|retrying|handshake_failed
and one line when the publisher's sequence numbers show lost events or a
restart of the publisher (a restart is never reported as a gap):
  TIME SOURCE gap: N events lost
  TIME SOURCE restarted

ENDPOINT            tcp://HOST:PORT, ipc://PATH, or a bare IP:PORT (tcp:// is
                    assumed). A tracker's event port is its pub= port.
KEY@ENDPOINT        the same, with the publisher's CURVE public key (Z85, 40
                    characters, as on a tracker_info.txt line's key=).
--tracker-info FILE also watch the pub port of every tracker in FILE, each
                    with its key=; may be repeated.
--server-key KEY    the CURVE key for every ENDPOINT given without KEY@.
--key-dir DIR       this monitor's own key pair: DIR/curve_key, made on first
                    use (mode 0600). Default: ~/.p2pshare/monitor. Its public
                    key is printed on stderr at start: a tracker admits it to
                    its PUB when it is listed in the tracker's DATA/monitor_keys.
                    On a tracker's machine, --key-dir TRACKER_DATA uses the
                    tracker's own key, which the tracker always admits.
--plain             no CURVE, for trackers started with --plain. Without it
                    every tcp:// endpoint needs a key (ipc:// without a key is
                    plain: the socket file's permissions guard it).
--topic PREFIX      only events whose topic starts with PREFIX (e.g. group.g1,
                    user.); may be repeated. Default: everything. With a
                    filter, gaps cannot be counted (the publisher numbers all
                    its topics together); restarts still are.
--json              one JSON object per line instead of text.
--stats             at a terminal: a summary redrawn every second instead of
                    one line per event: each node's downloads (progress,
                    rate, sources; from nodes' --events ports) and each
                    file's swarm (complete and partial peers), and the last
                    few other lines. Needs a terminal on stdout (an error
                    otherwise: for logs and scripts use the plain or --json
                    lines).
--help              this text.

A refused handshake prints one "error: ENDPOINT: ..." line on stderr with
the likely cause, once per outage, and the other endpoints keep being watched.
Frames that do not decode as a TrackerEvent print as "undecodable: REASON
(N bytes)". SIGINT/SIGTERM stop it; a summary goes to stderr.
A slow monitor never slows the system: a PUB socket drops what a subscriber
cannot take (and the sequence numbers then show it as a gap).
Exit status: 0 after a stop signal, 1 on a runtime failure, 2 on bad arguments.

Examples:
  zmq-monitor --key-dir /var/lib/tracker1 --tracker-info tracker_info.txt
  zmq-monitor --json KEY@tcp://10.0.0.5:6001     (KEY: that tracker's key=)
)usage";
}

namespace {

// "--name=value" or "--name value": returns the value, or a Failure when the
// option is the last argument. Advances i past a separate value.
Result<std::string> option_value(const std::vector<std::string>& args, std::size_t& i, const std::string& name) {
    const std::string& arg = args[i];
    if (arg.size() > name.size() && arg[name.size()] == '=') return arg.substr(name.size() + 1);
    if (i + 1 >= args.size()) return fail(name + " needs a value");
    return args[++i];
}

bool is_option(const std::string& arg, const std::string& name) {
    return arg == name || (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 &&
                           arg[name.size()] == '=');
}

}  // namespace

Result<Options> parse_command_line(const std::vector<std::string>& args) {
    // --help first: asking for help must work even on an otherwise bad line.
    if (std::find_if(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; }) !=
        args.end()) {
        Options o;
        o.help = true;
        return o;
    }
    Options o;
    bool options_done = false;  // after "--" everything is an endpoint
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!options_done && arg == "--") {
            options_done = true;
        } else if (!options_done && arg == "--json") {
            o.json = true;
        } else if (!options_done && arg == "--plain") {
            o.plain = true;
        } else if (!options_done && arg == "--stats") {
            o.stats = true;
        } else if (!options_done && is_option(arg, "--key-dir")) {
            auto v = option_value(args, i, "--key-dir");
            if (!v) return fail(v.error());
            if (v->empty()) return fail("--key-dir needs a directory");
            o.key_dir = *v;
        } else if (!options_done && is_option(arg, "--server-key")) {
            auto v = option_value(args, i, "--server-key");
            if (!v) return fail(v.error());
            if (!actors::valid_curve_key(*v)) return fail("--server-key wants a 40-character Z85 CURVE public key");
            o.server_key = *v;
        } else if (!options_done && is_option(arg, "--topic")) {
            auto v = option_value(args, i, "--topic");
            if (!v) return fail(v.error());
            o.topics.push_back(*v);
        } else if (!options_done && is_option(arg, "--tracker-info")) {
            auto v = option_value(args, i, "--tracker-info");
            if (!v) return fail(v.error());
            if (v->empty()) return fail("--tracker-info needs a file name");
            o.tracker_info_files.push_back(*v);
        } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
            return fail("unknown option '" + arg + "'");
        } else {
            auto target = parse_target(arg);
            if (!target) return fail(target.error());
            o.endpoints.push_back(std::move(*target));
        }
    }
    if (o.stats && o.json) return fail("--stats and --json do not go together: --json is the form for scripts");
    if (o.endpoints.empty() && o.tracker_info_files.empty()) {
        return fail("nothing to watch: give an ENDPOINT or --tracker-info FILE");
    }
    return o;
}

}  // namespace p2p::monitor
