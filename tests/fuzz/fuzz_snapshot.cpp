// A snapshot file: its header checks (decode_snapshot) and the state it
// holds (decode_state). decode_state may throw on bad bytes (the tracker then
// refuses to start, by design) but must not crash, leak or allocate without
// bound; a state that decodes must encode and decode back to itself.
//
// Repair mode (fuzz_support.hpp) wraps the rest of the input in a valid
// header, so that decode_state sees every mutation.
#include <stdexcept>

#include "fuzz_support.hpp"
#include "tracker/core/state.hpp"
#include "tracker/storage/crc32c.hpp"
#include "tracker/storage/file_io.hpp"
#include "tracker/storage/snapshot.hpp"

using namespace p2p;

namespace {

std::string snapshot_file(uint64_t seq, std::string_view payload) {
    std::string file("P2PSNAP1");
    storage::io::put_u64(file, seq);
    storage::io::put_u64(file, payload.size());
    storage::io::put_u32(file, storage::crc32c(payload.data(), payload.size(), storage::crc32c(file.data() + 8, 16)));
    file += payload;
    return file;
}

void check_state(const std::string& bytes) {
    tracker::State state;
    try {
        state = tracker::decode_state(bytes);
    } catch (const std::runtime_error&) {
        return;
    }
    const std::string once = tracker::encode_state(state);
    FUZZ_CHECK(tracker::decode_state(once) == state, "decode(encode(state)) differs from state");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::as_text(data, size);
    const bool repair = fuzz::wants_repair(input);
    const std::string file = repair ? snapshot_file(size, input) : std::string(input);
    storage::Snapshot snap;
    try {
        snap = storage::decode_snapshot(file, "fuzz/snapshot.bin");
    } catch (const std::runtime_error&) {
        FUZZ_CHECK(!repair, "a repaired snapshot was refused");
        return 0;
    }
    if (repair) FUZZ_CHECK(snap.bytes == input && snap.seq == size, "snapshot payload or seq changed");
    check_state(snap.bytes);
    return 0;
}
