#include <catch2/catch.hpp>

#include "tools/zmq-monitor/stats_view.hpp"

using namespace p2p;
using namespace p2p::monitor;

namespace {

SeenEvent download(const std::string& process, const char* type, uint64_t done, uint64_t rate, uint32_t sources) {
    msg::ProcessEvent p;
    p.type = type;
    p.process = process;
    p.group = "g";
    p.file = "big.bin";
    p.pieces_done = done;
    p.pieces_total = 512;
    p.rate = rate;
    p.sources = sources;
    return SeenEvent{"download.g", msg::TrackerEvent{type, {}, {}, {}}, {}, p};
}

}  // namespace

TEST_CASE("stats view shows each node's download and each file's swarm") {
    StatsView view;
    view.add(SeenEvent{"group.g", msg::TrackerEvent{msg::event::kFileAdded, "g", "alice", "", "big.bin"}});
    for (const auto* who : {"bob", "carol", "dave"}) {
        view.add(SeenEvent{"group.g", msg::TrackerEvent{msg::event::kSourceAdded, "g", who, "", "big.bin"}});
    }
    view.add(SeenEvent{"group.g", msg::TrackerEvent{msg::event::kSourceCompleted, "g", "carol", "", "big.bin"}});
    view.add(SeenEvent{"group.g", msg::TrackerEvent{msg::event::kSourceRemoved, "g", "dave", "", "big.bin"}});
    view.add(download("node-127.0.0.1:7001", msg::process_event::kDownloadProgress, 128, 48'300'000, 3));
    view.add(download("node-127.0.0.1:7002", msg::process_event::kDownloadProgress, 100, 20'000'000, 2));
    view.add(download("node-127.0.0.1:7002", msg::process_event::kDownloadFinished, 512, 30'000'000, 0));
    view.note("2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 gap: 2 events lost");
    view.count_lost(2);
    const std::string screen = view.render("2026-11-30T01:02:04.000Z");
    CHECK_THAT(screen, Catch::StartsWith("zmq-monitor --stats  2026-11-30T01:02:04.000Z  (9 events, 2 lost)"));
    CHECK_THAT(screen, Catch::Contains("  node-127.0.0.1:7001  g/big.bin  128/512  25.0%     48.3 MB/s  3 sources  fetching\n"));
    // A finished download shows no rate: it is not moving any more.
    CHECK_THAT(screen, Catch::Contains("  node-127.0.0.1:7002  g/big.bin  512/512 100.0%      0.0 MB/s  0 sources  finished\n"));
    CHECK_THAT(screen, Catch::Contains("  g/big.bin  3 peers (2 complete, 1 partial)\n"));
    CHECK_THAT(screen, Catch::Contains("RECENT\n  2026-11-30T01:02:03.456Z tcp://127.0.0.1:6001 gap: 2 events lost\n"));
}

TEST_CASE("stats view before any download says where downloads come from") {
    StatsView view;
    const std::string screen = view.render("now");
    CHECK_THAT(screen, Catch::Contains("start nodes with --events"));
    CHECK_THAT(screen, Catch::Contains("(no file seen yet)"));
}

TEST_CASE("stats view keeps only the last few lines of news") {
    StatsView view;
    for (int i = 0; i < 20; ++i) view.note("line " + std::to_string(i));
    const std::string screen = view.render("now");
    CHECK_THAT(screen, !Catch::Contains("line 13\n"));
    CHECK_THAT(screen, Catch::Contains("line 14\n"));
    CHECK_THAT(screen, Catch::Contains("line 19\n"));
}
