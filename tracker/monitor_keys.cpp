#include "tracker/monitor_keys.hpp"

namespace p2p::tracker {

actors::KeyList read_monitor_keys(const std::filesystem::path& data_dir) {
    return actors::read_key_list(data_dir / kMonitorKeysFile);
}

actors::ZapPolicy tracker_zap_policy(std::vector<std::string> operator_keys, std::filesystem::path data_dir) {
    return [operator_keys = std::move(operator_keys), data_dir = std::move(data_dir)](std::string_view domain,
                                                                                      const std::string& key) {
        return domain != kEventsZapDomain || actors::key_admitted(key, operator_keys, data_dir / kMonitorKeysFile);
    };
}

}  // namespace p2p::tracker
