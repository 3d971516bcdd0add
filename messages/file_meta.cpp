#include "messages/file_meta.hpp"

#include "messages/names.hpp"
#include "messages/sha256.hpp"

namespace p2p::files {

uint32_t piece_length(uint64_t size, uint32_t piece_size, uint64_t index) {
    if (index >= num_pieces(size, piece_size)) return 0;
    const uint64_t start = index * piece_size;
    const uint64_t left = size - start;
    return left < piece_size ? static_cast<uint32_t>(left) : piece_size;
}

std::string file_id_of(const std::vector<std::string>& piece_hashes) {
    Sha256 h;
    for (const auto& p : piece_hashes) h.update(p);
    return h.finish();
}

Result<Valid> check_meta(const FileMeta& meta) {
    // The name becomes DEST_DIR/NAME.part on the downloader's disk, so it is
    // checked as strictly as a name typed by the local user.
    if (auto why = check_file_name(meta.name)) return fail("bad metadata: file name " + *why);
    if (meta.size > kMaxFileSize) {
        return fail("bad metadata: size " + std::to_string(meta.size) + " is over 1 TiB");
    }
    if (!valid_piece_size(meta.piece_size)) {
        return fail("bad metadata: piece size " + std::to_string(meta.piece_size) +
                    " is not a power of two between 16 KiB and 16 MiB");
    }
    const uint64_t pieces = num_pieces(meta.size, meta.piece_size);
    if (meta.piece_hashes.size() != pieces) {
        return fail("bad metadata: " + std::to_string(meta.piece_hashes.size()) +
                    " piece hashes for a file of " + std::to_string(pieces) + " pieces");
    }
    for (std::size_t i = 0; i < meta.piece_hashes.size(); ++i) {
        if (meta.piece_hashes[i].size() != kHashBytes) {
            return fail("bad metadata: hash of piece " + std::to_string(i) + " is " +
                        std::to_string(meta.piece_hashes[i].size()) + " bytes, not 32");
        }
    }
    if (meta.file_id.size() != kHashBytes) {
        return fail("bad metadata: file id is " + std::to_string(meta.file_id.size()) +
                    " bytes, not 32");
    }
    if (file_id_of(meta.piece_hashes) != meta.file_id) {
        return fail("bad metadata: file id does not match the piece hashes");
    }
    return Valid{};
}

}  // namespace p2p::files
