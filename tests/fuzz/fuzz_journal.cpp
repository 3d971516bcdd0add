// The journal reader (the walk recover() makes over journal.log) on any
// bytes, then what the tracker's recovery does with every record it keeps:
// decode_command, and apply() to the state.
//
// Repair mode (fuzz_support.hpp) rewrites each record's crc so the walk goes
// past it; the lengths and seqs stay as the mutator made them.
#include "fuzz_command.hpp"
#include "tracker/core/machine.hpp"
#include "tracker/storage/crc32c.hpp"
#include "tracker/storage/file_io.hpp"
#include "tracker/storage/journal.hpp"

using namespace p2p::storage;

namespace {

constexpr std::size_t kHeader = 16;  // u32 len | u32 crc | u64 seq

void repair_crcs(std::string& bytes) {
    std::size_t at = 0;
    while (bytes.size() - at >= kHeader) {
        const uint32_t len = io::get_u32(bytes.data() + at);
        if (len < 8 || len - 8 > bytes.size() - at - kHeader) return;
        const uint32_t crc = crc32c(bytes.data() + at + kHeader, len - 8, crc32c(bytes.data() + at + 8, 8));
        for (int i = 0; i < 4; ++i) bytes[at + 4 + i] = static_cast<char>(crc >> (8 * i));
        at += 8 + len;
    }
}

// The walk once more, from its output: every kept record, written back in the
// journal's format, must give back the intact prefix byte for byte.
std::string encoded(const std::vector<Record>& records) {
    std::string out;
    for (const auto& r : records) {
        std::string seq;
        io::put_u64(seq, r.seq);
        io::put_u32(out, static_cast<uint32_t>(8 + r.payload.size()));
        io::put_u32(out, crc32c(r.payload.data(), r.payload.size(), crc32c(seq.data(), 8)));
        out += seq;
        out += r.payload;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::as_text(data, size);
    const bool repair = fuzz::wants_repair(input);
    std::string bytes(input);
    if (repair) repair_crcs(bytes);

    const JournalScan scan = scan_journal(bytes);
    FUZZ_CHECK(scan.good_bytes <= bytes.size(), "intact prefix longer than the journal");
    FUZZ_CHECK(scan.stop_reason.empty() == (scan.good_bytes == bytes.size()), "stop reason and prefix disagree");
    FUZZ_CHECK(encoded(scan.records) == std::string_view(bytes).substr(0, scan.good_bytes),
               "records do not re-encode to the intact prefix");
    for (std::size_t i = 1; i < scan.records.size(); ++i) {
        FUZZ_CHECK(scan.records[i - 1].seq < scan.records[i].seq, "seqs not increasing");
    }
    // A snapshot at the middle record's seq: only the records after it are kept.
    if (!scan.records.empty()) {
        const uint64_t cut = scan.records[scan.records.size() / 2].seq;
        const JournalScan after = scan_journal(bytes, cut);
        FUZZ_CHECK(after.good_bytes == scan.good_bytes, "a snapshot seq changed where the walk stops");
        FUZZ_CHECK(after.records.size() == scan.records.size() - scan.records.size() / 2 - 1,
                   "a snapshot seq kept the wrong records");
    }
    // Then what recovery does with them: decode each and apply it.
    p2p::tracker::State state;
    for (const auto& r : scan.records) {
        fuzz::check_command(r.payload);
        if (auto command = p2p::tracker::decode_command(r.payload)) p2p::tracker::apply(state, *command);
    }
    return 0;
}
