#include "tools/zmq-monitor/endpoints.hpp"

#include <algorithm>
#include <charconv>

#include "actors/curve.hpp"
#include "messages/tracker_info.hpp"

namespace p2p::monitor {

namespace {

bool valid_port(std::string_view text) {
    unsigned value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return !text.empty() && ec == std::errc() && ptr == end && value >= 1 && value <= 65535;
}

bool has_space(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

const char* kWant = "want tcp://HOST:PORT, ipc://PATH or IP:PORT";

}  // namespace

Result<std::string> normalize_endpoint(std::string_view text) {
    const std::string shown(text);
    if (text.empty()) return fail(std::string("empty endpoint; ") + kWant);
    if (has_space(text)) return fail("endpoint '" + shown + "' contains a space or control character");
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        // Bare form: the same parser as tracker_info.txt, for the same rules.
        auto hp = parse_host_port(text);
        if (!hp) return fail("bad endpoint '" + shown + "': " + hp.error() + "; " + kWant);
        return "tcp://" + hp->first + ":" + std::to_string(hp->second);
    }
    const std::string_view scheme = text.substr(0, scheme_end);
    const std::string_view rest = text.substr(scheme_end + 3);
    if (scheme == "ipc") {
        if (rest.empty()) return fail("bad endpoint '" + shown + "': ipc:// needs a path");
        return shown;
    }
    if (scheme != "tcp") {
        return fail("bad endpoint '" + shown + "': transport '" + std::string(scheme) + "' not supported; " + kWant);
    }
    // HOST may be a name, an IPv4 address or [IPv6]; the port comes after
    // the last ':' either way.
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return fail("bad endpoint '" + shown + "': " + kWant);
    }
    const std::string_view host = rest.substr(0, colon);
    const std::string_view port = rest.substr(colon + 1);
    if (host == "*") return fail("bad endpoint '" + shown + "': '*' is for binding; name the tracker's host");
    if (!valid_port(port)) return fail("bad endpoint '" + shown + "': bad port '" + std::string(port) + "' (want 1..65535)");
    return shown;
}

Result<Target> parse_target(std::string_view text) {
    constexpr std::size_t kKeyChars = 40;
    Target target;
    if (text.size() > kKeyChars && text[kKeyChars] == '@' && text.find("://") > kKeyChars) {
        const std::string_view key = text.substr(0, kKeyChars);
        if (!actors::valid_curve_key(key)) {
            return fail("bad server key before '@' in '" + std::string(text) + "' (want 40 Z85 characters)");
        }
        target.server_key = std::string(key);
        text.remove_prefix(kKeyChars + 1);
    }
    auto ep = normalize_endpoint(text);
    if (!ep) return fail(ep.error());
    target.endpoint = *ep;
    return target;
}

Result<std::vector<Target>> collect_endpoints(const Options& options) {
    std::vector<Target> out;
    auto add = [&out](Target t) {
        auto same = std::find_if(out.begin(), out.end(), [&](const Target& o) { return o.endpoint == t.endpoint; });
        if (same == out.end()) {
            out.push_back(std::move(t));
        } else if (same->server_key.empty()) {
            same->server_key = t.server_key;  // a later mention may know the key
        }
    };
    for (auto t : options.endpoints) {
        if (t.server_key.empty()) t.server_key = options.server_key;
        add(std::move(t));
    }
    for (const auto& file : options.tracker_info_files) {
        auto trackers = load_tracker_info(file);
        if (!trackers) return fail(trackers.error());
        for (const auto& t : *trackers) add(Target{t.pub_endpoint(), t.key});
    }
    if (out.empty()) return fail("nothing to watch: no endpoint given");
    if (!options.plain) {
        for (const auto& t : out) {
            if (t.server_key.empty() && t.endpoint.rfind("tcp://", 0) == 0) {
                return fail("no CURVE server key for " + t.endpoint +
                            ": write KEY@" + t.endpoint + ", give --server-key KEY, use a --tracker-info line with "
                            "key=, or --plain for a tracker started with --plain");
            }
        }
    }
    return out;
}

}  // namespace p2p::monitor
