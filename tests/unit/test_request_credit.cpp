// Credit-based flow control of piece requests (node/engine/request_credit.hpp).
#include <catch2/catch.hpp>

#include "node/engine/request_credit.hpp"

using p2p::node::kRequestFloor;
using p2p::node::request_credit;

TEST_CASE("one source gets its whole window, then credit as pieces come back", "[credit]") {
    CHECK(request_credit(0, 0, 12, 12) == 12);
    CHECK(request_credit(12, 12, 12, 12) == 0);
    CHECK(request_credit(9, 9, 12, 12) == 3);
}

TEST_CASE("several sources share one budget for the download", "[credit]") {
    // The first source took the whole budget: the next get only the floor.
    CHECK(request_credit(0, 12, 12, 12) == kRequestFloor);
    CHECK(request_credit(1, 13, 12, 12) == kRequestFloor - 1);
    CHECK(request_credit(kRequestFloor, 14, 12, 12) == 0);
    // A piece came back from the first source: one credit, to whoever asks.
    CHECK(request_credit(11, 11, 12, 12) == 1);
    CHECK(request_credit(kRequestFloor, 11, 12, 12) == 1);
}

TEST_CASE("no source goes past its own window, whatever the budget", "[credit]") {
    CHECK(request_credit(10, 10, 12, 100) == 2);
    CHECK(request_credit(12, 12, 12, 100) == 0);
    CHECK(request_credit(13, 13, 12, 100) == 0);  // a smaller window after a change: no underflow
}

TEST_CASE("a window below the floor still bounds the source", "[credit]") {
    CHECK(request_credit(0, 50, 1, 12) == 1);
    CHECK(request_credit(1, 50, 1, 12) == 0);
}
