#pragma once
// How many more piece requests one source of a download may send now
// (credit-based flow control, as in the ZeroMQ guide's file-transfer
// chapter), kept pure so that it is unit-tested on its own.
#include <cstddef>

namespace p2p::node {

// Each source may hold up to `window` requests, but the download as a whole
// holds at most `budget` over all its sources. Why one budget: with three
// sources each holding a full window, three times the pieces sat in socket
// buffers and at the workers (3->1 peak RSS 50 MiB against 31 for 1->1), yet
// the downloader's CPU and disk took them no faster. A source that answers
// fast gets its credit back fast, so the budget flows to the fastest sources
// by itself. A source below kRequestFloor may always ask, so no source is
// starved by the others and each one's speed keeps being seen.
constexpr std::size_t kRequestFloor = 2;

std::size_t request_credit(std::size_t source_in_flight, std::size_t download_in_flight, std::size_t window,
                           std::size_t budget);

}  // namespace p2p::node
