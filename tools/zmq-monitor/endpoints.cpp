#include "tools/zmq-monitor/endpoints.hpp"

#include <algorithm>
#include <charconv>

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

Result<std::vector<std::string>> collect_endpoints(const Options& options) {
    std::vector<std::string> out;
    auto add = [&out](const std::string& ep) {
        if (std::find(out.begin(), out.end(), ep) == out.end()) out.push_back(ep);
    };
    for (const auto& ep : options.endpoints) add(ep);
    for (const auto& file : options.tracker_info_files) {
        auto trackers = load_tracker_info(file);
        if (!trackers) return fail(trackers.error());
        for (const auto& t : *trackers) add(t.pub_endpoint());
    }
    if (out.empty()) return fail("nothing to watch: no endpoint given");
    return out;
}

}  // namespace p2p::monitor
