#include "messages/tracker_info.hpp"

#include <arpa/inet.h>
#include <zmq.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace p2p {

std::string TrackerAddress::rpc_endpoint() const { return "tcp://" + host + ":" + std::to_string(port); }
std::string TrackerAddress::pub_endpoint() const {
    return "tcp://" + host + ":" + std::to_string(pub_port);
}
std::string TrackerAddress::repl_endpoint() const {
    return "tcp://" + host + ":" + std::to_string(repl_port);
}
std::string TrackerAddress::label() const { return host + ":" + std::to_string(port); }

namespace {

Result<uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535) {
        return fail("bad port '" + std::string(text) + "' (want 1..65535)");
    }
    return static_cast<uint16_t>(value);
}

bool is_curve_key(const std::string& z85) {
    if (z85.size() != 40) return false;
    uint8_t raw[32];
    return zmq_z85_decode(raw, z85.c_str()) != nullptr;
}

// Words split at blanks; '#' starts a comment, except inside a key= word:
// Z85, the alphabet of CURVE keys, has '#' in it.
std::vector<std::string_view> split_words(std::string_view line) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && blank(line[i])) ++i;
        if (i >= line.size() || line[i] == '#') break;
        const std::size_t start = i;
        const bool verbatim = line.substr(i).rfind("key=", 0) == 0;
        while (i < line.size() && !blank(line[i]) && (verbatim || line[i] != '#')) ++i;
        words.push_back(line.substr(start, i - start));
        if (i < line.size() && line[i] == '#') break;
    }
    return words;
}

}  // namespace

Result<std::pair<std::string, uint16_t>> parse_host_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("'" + std::string(text) + "' is not IP:PORT");
    std::string host(text.substr(0, colon));
    if (host == "localhost") host = "127.0.0.1";
    in_addr addr{};
    // inet_pton reads a C string: "127.0.0.1\0junk" would pass as 127.0.0.1
    // and keep the junk in every endpoint built from host.
    if (host.find('\0') != std::string::npos || inet_pton(AF_INET, host.c_str(), &addr) != 1) {
        return fail("'" + host + "' is not an IPv4 address");
    }
    auto port = parse_port(text.substr(colon + 1));
    if (!port) return fail(port.error());
    return std::make_pair(host, *port);
}

Result<std::vector<TrackerAddress>> parse_tracker_info(std::string_view text, std::string_view file_name) {
    std::vector<TrackerAddress> trackers;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        const auto where = std::string(file_name) + ":" + std::to_string(line_no) + ": ";
        auto words = split_words(line);
        if (words.empty()) continue;
        auto hp = parse_host_port(words[0]);
        if (!hp) return fail(where + hp.error());
        TrackerAddress t;
        t.host = hp->first;
        t.port = hp->second;
        for (std::size_t i = 1; i < words.size(); ++i) {
            const auto eq = words[i].find('=');
            if (eq == std::string_view::npos || eq == 0) {
                return fail(where + "expected key=value, got '" + std::string(words[i]) + "'");
            }
            const std::string key(words[i].substr(0, eq));
            const std::string value(words[i].substr(eq + 1));
            if (key == "pub") {
                auto port = parse_port(value);
                if (!port) return fail(where + "pub: " + port.error());
                t.pub_port = *port;
            } else if (key == "key") {
                if (!is_curve_key(value)) {
                    return fail(where + "key= is not a CURVE public key (40 Z85 characters, as `tracker --keygen` prints)");
                }
                t.key = value;
            } else if (key == "repl") {
                auto port = parse_port(value);
                if (!port) return fail(where + "repl: " + port.error());
                t.repl_port = *port;
            } else {
                t.extra[key] = value;
            }
        }
        if (t.pub_port == 0) {
            if (t.port == 65535) return fail(where + "port 65535 leaves no room for pub=PORT+1; give pub=");
            t.pub_port = static_cast<uint16_t>(t.port + 1);
        }
        if (t.pub_port == t.port) return fail(where + "pub port equals the request port");
        if (t.repl_port == 0) {
            if (t.port >= 65534) return fail(where + "port " + std::to_string(t.port) + " leaves no room for repl=PORT+2; give repl=");
            t.repl_port = static_cast<uint16_t>(t.port + 2);
        }
        if (t.repl_port == t.port || t.repl_port == t.pub_port) {
            return fail(where + "repl port equals the request or pub port");
        }
        trackers.push_back(std::move(t));
        if (nl == text.size()) break;
    }
    if (trackers.empty()) return fail(std::string(file_name) + ": no tracker listed");
    return trackers;
}

Result<std::vector<TrackerAddress>> load_tracker_info(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return fail("cannot read " + path.string());
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_tracker_info(ss.str(), path.string());
}

}  // namespace p2p
