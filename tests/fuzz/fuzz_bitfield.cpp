// A peer's have-bitfield (Bitfield::from_bytes) for a piece count the
// downloader knows, and the "0101" form (from_string). Whatever parses must
// hold exactly the bits sent and give them back.
#include <algorithm>
#include <bit>
#include <optional>

#include "fuzz_support.hpp"
#include "node/transfer/bitfield.hpp"

using p2p::transfer::Bitfield;
using p2p::transfer::PieceIndex;

namespace {

void check_parsed(const Bitfield& bf, std::string_view bytes) {
    FUZZ_CHECK(bf.to_bytes() == bytes, "to_bytes() differs from the bytes parsed");
    std::size_t ones = 0;
    for (unsigned char c : bytes) ones += static_cast<std::size_t>(std::popcount(c));
    FUZZ_CHECK(bf.count() == ones, "count() differs from the bits sent");
    FUZZ_CHECK(bf.all() == (ones == bf.size()) && bf.none() == (ones == 0), "all()/none() wrong");

    std::size_t seen = 0;
    bool ordered = true;
    std::optional<uint32_t> last;
    bf.for_each_set([&](PieceIndex p) {
        ordered &= p.value < bf.size() && (!last || *last < p.value);
        ordered &= ((static_cast<unsigned char>(bytes[p.value / 8]) >> (7 - p.value % 8)) & 1U) != 0;
        last = p.value;
        ++seen;
    });
    FUZZ_CHECK(ordered && seen == ones, "for_each_set visits the wrong pieces");
    FUZZ_CHECK(bf.missing().size() == bf.size() - ones, "missing() has the wrong size");
    auto text = Bitfield::from_string(bf.to_string());
    FUZZ_CHECK(text && *text == bf, "from_string(to_string()) differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const uint8_t mode = data[0];
    const std::string bytes(fuzz::as_text(data + 1, size - 1));
    // Mostly a count these bytes can carry (the interesting case), sometimes
    // any count, up to past what a PieceIndex can name.
    std::size_t n = 0;
    if (mode & 0x80) {
        n = bytes.size() >= 8 ? static_cast<std::size_t>(bytes.size()) * 8 * (mode & 0x7f) : (mode & 0x7f);
        if (mode & 0x40) n += std::size_t{UINT32_MAX} - 8;
    } else {
        n = bytes.size() * 8 - std::min<std::size_t>(bytes.size() * 8, mode % 8);
    }
    if (auto bf = Bitfield::from_bytes(bytes, n)) {
        FUZZ_CHECK(bf->size() == n, "size() differs from the count asked for");
        check_parsed(*bf, bytes);
    }
    if (auto bf = Bitfield::from_string(bytes)) {
        FUZZ_CHECK(bf->size() == bytes.size() && bf->to_string() == bytes, "from_string() does not round-trip");
    }
    return 0;
}
