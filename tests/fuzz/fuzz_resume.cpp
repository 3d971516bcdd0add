// A download's resume record (decode_resume), as load_resume reads it from
// the data dir. Whatever decodes is checked metadata with a bitfield of the
// right length, and encodes back to the same bytes.
//
// Repair mode (fuzz_support.hpp) puts the magic and the checksum in front
// of the rest of the input, so the msgpack and the checks behind it run.
#include "fuzz_support.hpp"
#include "messages/sha256.hpp"
#include "node/files/resume_record.hpp"

using namespace p2p;

namespace {

std::string with_header(std::string_view payload) {
    const std::string digest = files::sha256(payload);
    std::string out(files::kResumeMagic);
    out.append(digest, 0, 4);  // the first 4 bytes of SHA-256, as a little-endian u32 reads them back
    out += payload;
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::as_text(data, size);
    const bool repair = fuzz::wants_repair(input);
    const std::string bytes = repair ? with_header(input) : std::string(input);
    auto record = files::decode_resume(bytes);
    if (!record) return 0;
    FUZZ_CHECK(files::check_meta(record->meta).ok(), "a resume record with bad metadata decoded");
    FUZZ_CHECK(record->have.size() == files::bitfield_bytes(record->meta.piece_hashes.size()),
               "a have bitfield of the wrong length decoded");
    const std::string once = files::encode_resume(*record);
    auto again = files::decode_resume(once);
    FUZZ_CHECK(again.ok(), "re-encoded resume record does not decode: " + again.error());
    FUZZ_CHECK(*again == *record, "decode(encode(record)) differs from record");
    return 0;
}
