#include "tracker/monitor_keys.hpp"

#include <algorithm>

namespace p2p::tracker {

actors::KeyList read_monitor_keys(const std::filesystem::path& data_dir) {
    return actors::read_key_list(data_dir / kMonitorKeysFile);
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
