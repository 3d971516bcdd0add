#pragma once
// What a shared file is: its name, size and piece hashes, and the file id
// that binds them together. The tracker stores this and hands it to
// downloaders; a downloader trusts piece bytes only because they hash to
// piece_hashes, and trusts piece_hashes only because they hash to file_id.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/result.hpp"

namespace p2p::files {

inline constexpr uint32_t kPieceSize = 512 * 1024;
inline constexpr uint32_t kMinPieceSize = 16 * 1024;
inline constexpr uint32_t kMaxPieceSize = 16 * 1024 * 1024;
inline constexpr uint64_t kMaxFileSize = uint64_t{1} << 40;  // 1 TiB
inline constexpr std::size_t kHashBytes = 32;

struct FileMeta {
    std::string name;
    uint64_t size = 0;
    // 0, not kPieceSize, so that metadata missing the field fails check_meta
    // instead of silently taking a default.
    uint32_t piece_size = 0;
    std::vector<std::string> piece_hashes;  // kHashBytes raw bytes each
    std::string file_id;                    // kHashBytes raw bytes

    friend bool operator==(const FileMeta&, const FileMeta&) = default;
    MSGPACK_DEFINE_MAP(name, size, piece_size, piece_hashes, file_id);
};

// Result<> needs a value type; this one says "checked, nothing to return".
struct Valid {};

// A 0-byte file has 0 pieces. piece_size 0 gives 0 rather than dividing by it.
constexpr uint64_t num_pieces(uint64_t size, uint32_t piece_size) {
    if (piece_size == 0) return 0;
    // Not (size + piece_size - 1) / piece_size: that overflows near 2^64.
    return size / piece_size + (size % piece_size != 0 ? 1 : 0);
}

constexpr bool valid_piece_size(uint32_t piece_size) {
    return piece_size >= kMinPieceSize && piece_size <= kMaxPieceSize &&
           (piece_size & (piece_size - 1)) == 0;
}

// Bytes in piece `index`; only the last piece may be shorter. 0 for an index
// past the end, so an index from a peer cannot cause an out-of-range read.
uint32_t piece_length(uint64_t size, uint32_t piece_size, uint64_t index);
inline uint32_t piece_length(const FileMeta& meta, uint64_t index) {
    return piece_length(meta.size, meta.piece_size, index);
}

// SHA-256 over the concatenated piece hashes; for an empty file, SHA-256 of
// empty input.
std::string file_id_of(const std::vector<std::string>& piece_hashes);

// For metadata from the network or disk: every field consistent with the
// others, the name safe to use as a file name, the file id matching the
// hashes. The reason names the first field found wrong.
Result<Valid> check_meta(const FileMeta& meta);

}  // namespace p2p::files
