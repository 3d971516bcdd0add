// How long pick() takes, printed and never asserted (tests must not depend on
// the machine's speed). Each run downloads a whole file: every peer keeps a
// window of four requests in flight; in turn each delivers its oldest, which
// is verified, and its window is refilled. The last pieces go through endgame.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include <catch2/catch.hpp>

#include "node/transfer/piece_picker.hpp"

using namespace p2p::transfer;

namespace {

constexpr std::size_t kWindow = 4;

struct Result {
    std::size_t picks = 0;
    double seconds = 0;
    // Pieces looked at (one random draw each), the cost model; unlike time it
    // is the same on every run and shows the tail without scheduler noise.
    std::size_t examined = 0;
    std::size_t most_examined = 0;
};

Result download(std::size_t num_pieces, std::size_t num_peers, bool seeds, std::uint32_t seed) {
    std::mt19937 rng(seed);
    PiecePicker picker(num_pieces);
    for (PeerId id = 0; id < num_peers; ++id) {
        Bitfield has(num_pieces);
        // Partial seeders hold 50-100% of the file; the first always has all
        // of it, so the download can finish.
        const std::size_t density = seeds || id == 0 ? 100 : 50 + rng() % 51;
        for (std::uint32_t p = 0; p < num_pieces; ++p)
            if (rng() % 100 < density) has.set(PieceIndex{p});
        picker.add_peer(id, has);
    }

    Result r;
    std::size_t draws = 0;
    const RandomBelow counting = [&](std::size_t n) {
        ++draws;
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    using Clock = std::chrono::steady_clock;
    while (!picker.is_complete()) {
        for (PeerId id = 0; id < num_peers && !picker.is_complete(); ++id) {
            if (!picker.requests_of(id).empty())
                (void)picker.on_piece_verified(id, picker.requests_of(id).front());
            const std::size_t window = kWindow - picker.requests_of(id).size();
            draws = 0;
            const auto start = Clock::now();
            (void)picker.pick_with(id, window, counting);
            r.seconds += std::chrono::duration<double>(Clock::now() - start).count();
            r.examined += draws;
            r.most_examined = std::max(r.most_examined, draws);
            ++r.picks;
        }
    }
    return r;
}

void report(const char* what, std::size_t pieces, std::size_t peers, bool seeds) {
    const Result r = download(pieces, peers, seeds, 42);
    const auto picks = static_cast<double>(r.picks);
    std::printf("pick() %-15s %6zu pieces %zu peers: %5zu picks, mean %5.2f us, "
                "pieces examined mean %.1f max %zu\n",
                what, pieces, peers, r.picks, r.seconds * 1e6 / picks,
                static_cast<double>(r.examined) / picks, r.most_examined);
    CHECK(r.picks >= pieces);
}

}  // namespace

TEST_CASE("pick() cost over a whole download", "[picker][bench]") {
    report("partial seeders", 2048, 8, false);
    report("seeds", 2048, 8, true);
    report("partial seeders", 200000, 8, false);
}
