// What show_downloads gives as the reason a download is not moving
// (node/engine/stall_reason.hpp).
#include <catch2/catch.hpp>

#include "node/engine/stall_reason.hpp"

using p2p::node::StallFacts;
using p2p::node::stall_reason;

namespace {

StallFacts no_sources() { return {}; }

StallFacts idle_sources() {
    StallFacts f;
    f.sources = 2;
    f.known = 2;
    return f;
}

StallFacts tracker_down(StallFacts f) {
    f.tracker_code = "unreachable";
    f.tracker_text = "tracker 127.0.0.1:6000 did not answer within 5 s (is it running?)";
    return f;
}

}  // namespace

TEST_CASE("a moving download has no reason, unless a source was dropped", "[stall]") {
    StallFacts f = idle_sources();
    f.requesting = true;
    CHECK(stall_reason(f, "") == "");
    CHECK(stall_reason(f, "waiting: no source online") == "");
    CHECK(stall_reason(f, "dropped bob@127.0.0.1:7000: stopped answering") ==
          "dropped bob@127.0.0.1:7000: stopped answering");
}

TEST_CASE("reasons without tracker trouble", "[stall]") {
    CHECK(stall_reason(no_sources(), "") == "waiting: no source online");
    CHECK(stall_reason(no_sources(), "dropped bob@1.2.3.4:5: sent a bad bitfield") ==
          "dropped bob@1.2.3.4:5: sent a bad bitfield");
    StallFacts connecting;
    connecting.sources = 3;
    CHECK(stall_reason(connecting, "") == "connecting to 3 source(s)");
    CHECK(stall_reason(idle_sources(), "") == "waiting: the sources online lack the missing pieces");
}

TEST_CASE("a stuck download that cannot reach the tracker says so", "[stall]") {
    CHECK(stall_reason(tracker_down(no_sources()), "") == "waiting: tracker unreachable");
    CHECK(stall_reason(tracker_down(no_sources()), "waiting: no source online") == "waiting: tracker unreachable");
    CHECK(stall_reason(tracker_down(no_sources()), "dropped bob@1.2.3.4:5: stopped answering") ==
          "waiting: tracker unreachable");
    CHECK(stall_reason(tracker_down(idle_sources()), "") == "waiting: tracker unreachable");
}

TEST_CASE("tracker trouble is no reason while the download moves or connects", "[stall]") {
    StallFacts moving = tracker_down(idle_sources());
    moving.requesting = true;
    CHECK(stall_reason(moving, "") == "");
    StallFacts connecting = tracker_down(no_sources());
    connecting.sources = 1;
    CHECK(stall_reason(connecting, "") == "connecting to 1 source(s)");
}

TEST_CASE("a tracker that refuses the source list gives its reason", "[stall]") {
    StallFacts f = no_sources();
    f.tracker_code = "not_member";
    f.tracker_text = "only members of g can do that";
    CHECK(stall_reason(f, "") == "waiting: the tracker gives no sources: only members of g can do that");
}
