#include "node/engine/file_id_check.hpp"

namespace p2p::node {

std::string file_id_check(const files::FileMeta& meta, bool all_pieces_verified, uint64_t size_on_disk) {
    if (!all_pieces_verified) return "not every piece was verified";
    // The hashes pieces were verified against came with the file id; this
    // ties them to it again, so a hash list changed since (or never
    // matching) cannot pass for the file.
    if (files::file_id_of(meta.piece_hashes) != meta.file_id) {
        return "the piece hashes do not match the file id the tracker gave";
    }
    if (size_on_disk != meta.size) {
        return "the file on disk holds " + std::to_string(size_on_disk) + " bytes, not " + std::to_string(meta.size);
    }
    return {};
}

}  // namespace p2p::node
