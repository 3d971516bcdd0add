// tracker_info.txt (parse_tracker_info) and an "IP:PORT" (parse_host_port).
// What parses must be usable as it is (ports 1..65535, distinct PUB port) and
// must parse the same when written back out in the file's syntax.
#include "fuzz_support.hpp"
#include "messages/tracker_info.hpp"

using namespace p2p;

namespace {

std::string written_back(const std::vector<TrackerAddress>& trackers) {
    std::string text;
    for (const auto& t : trackers) {
        text += t.label() + " pub=" + std::to_string(t.pub_port);
        for (const auto& [key, value] : t.extra) text += " " + key + "=" + value;
        text += "\n";
    }
    return text;
}

bool same(const TrackerAddress& a, const TrackerAddress& b) {
    return a.host == b.host && a.port == b.port && a.pub_port == b.pub_port && a.extra == b.extra;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    if (auto hp = parse_host_port(text)) {
        FUZZ_CHECK(hp->first.find('\0') == std::string::npos && hp->second != 0, "a bad IP:PORT accepted");
    }
    auto trackers = parse_tracker_info(text, "tracker_info.txt");
    if (!trackers) {
        FUZZ_CHECK(trackers.error().rfind("tracker_info.txt:", 0) == 0, "error does not name the file");
        return 0;
    }
    for (const auto& t : *trackers) {
        FUZZ_CHECK(t.port != 0 && t.pub_port != 0 && t.pub_port != t.port, "unusable ports accepted");
        FUZZ_CHECK(parse_host_port(t.label()).ok(), "a parsed address does not parse again");
        // Endpoints are built from host and handed to C APIs as C strings.
        FUZZ_CHECK(t.host.find('\0') == std::string::npos, "a host with a NUL byte accepted");
    }
    auto again = parse_tracker_info(written_back(*trackers), "again.txt");
    FUZZ_CHECK(again.ok(), "written-back tracker_info does not parse: " + again.error());
    FUZZ_CHECK(again->size() == trackers->size(), "written-back tracker_info has another count");
    for (std::size_t i = 0; i < trackers->size(); ++i) {
        FUZZ_CHECK(same((*again)[i], (*trackers)[i]), "written-back tracker differs");
    }
    return 0;
}
