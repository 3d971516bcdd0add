#include "tools/zmq-monitor/command_line.hpp"

#include <algorithm>

#include "tools/zmq-monitor/endpoints.hpp"

namespace p2p::monitor {

const char* usage_text() {
    return R"usage(usage: zmq-monitor [--json] [--topic PREFIX]... [--tracker-info FILE] [ENDPOINT...]

Subscribes to trackers' event (PUB) ports and prints one line per event:
  TIME SOURCE TOPIC TYPE [group=G] [user=U] [by=B]
and one line whenever a connection comes up, goes down or is being retried:
  TIME SOURCE connected|disconnected|retrying|handshake_failed

ENDPOINT            tcp://HOST:PORT, ipc://PATH, or a bare IP:PORT (tcp:// is
                    assumed). A tracker's event port is its pub= port.
--tracker-info FILE also watch the pub port of every tracker in FILE
                    (IP:PORT [pub=PORT] per line); may be repeated.
--topic PREFIX      only events whose topic starts with PREFIX (e.g. group.g1,
                    user.); may be repeated. Default: everything.
--json              one JSON object per line instead of text.
--help              this text.

Frames that do not decode as a TrackerEvent print as "undecodable: REASON
(N bytes)". SIGINT/SIGTERM stop it; a summary goes to stderr.
Exit status: 0 after a stop signal, 1 on a runtime failure, 2 on bad arguments.

Example:
  zmq-monitor --tracker-info tracker_info.txt --topic group.physics
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
            auto ep = normalize_endpoint(arg);
            if (!ep) return fail(ep.error());
            o.endpoints.push_back(*ep);
        }
    }
    if (o.endpoints.empty() && o.tracker_info_files.empty()) {
        return fail("nothing to watch: give an ENDPOINT or --tracker-info FILE");
    }
    return o;
}

}  // namespace p2p::monitor
