#include "tracker/monitor_keys.hpp"

#include <algorithm>
#include <sstream>

#include "actors/curve.hpp"
#include "tracker/small_file.hpp"

namespace p2p::tracker {

namespace {

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

}  // namespace

MonitorKeys parse_monitor_keys(const std::string& text) {
    MonitorKeys out;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        // Z85 has '#' in its alphabet (never as a key's first character):
        // only a '#' that starts a word starts a comment.
        for (auto hash = line.find('#'); hash != std::string::npos; hash = line.find('#', hash + 1)) {
            if (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t') {
                line.resize(hash);
                break;
            }
        }
        std::string word = trimmed(line);
        if (word.empty()) continue;
        if (word.rfind("key=", 0) == 0) word = word.substr(4);
        if (!actors::valid_curve_key(word)) {
            out.bad_lines.push_back("line " + std::to_string(number) + ": not a 40-character Z85 CURVE public key");
            continue;
        }
        out.keys.push_back(word);
    }
    return out;
}

MonitorKeys read_monitor_keys(const std::filesystem::path& data_dir) {
    const auto path = data_dir / kMonitorKeysFile;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    return parse_monitor_keys(read_small_file(path, 64 * 1024));
}

actors::ZapPolicy tracker_zap_policy(std::vector<std::string> operator_keys, std::filesystem::path data_dir) {
    return [operator_keys = std::move(operator_keys), data_dir = std::move(data_dir)](std::string_view domain,
                                                                                      const std::string& key) {
        if (domain != kEventsZapDomain) return true;
        if (std::find(operator_keys.begin(), operator_keys.end(), key) != operator_keys.end()) return true;
        try {
            const auto listed = read_monitor_keys(data_dir).keys;
            return std::find(listed.begin(), listed.end(), key) != listed.end();
        } catch (const std::exception&) {
            return false;  // an unreadable list admits nobody new
        }
    };
}

}  // namespace p2p::tracker
