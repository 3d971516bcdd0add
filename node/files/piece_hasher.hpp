#pragma once
// Hashes a local file into FileMeta for upload_file, spreading the pieces
// over `threads` cores. Reads with pread rather than mmap: mmap is about a
// quarter faster on a page-cached file, but a file truncated while mapped
// kills the whole node with SIGBUS, where pread just reports a short read.
// node/files/tools/hash_speed measures both against the SHA-256 ceiling.
#include <cstdint>
#include <filesystem>
#include <functional>

#include "messages/result.hpp"
#include "messages/file_meta.hpp"

namespace p2p::files {

// progress(done_bytes, total_bytes) runs on the calling thread, never
// concurrently with itself. It is called as pieces complete and a last time
// with done == total on success. An exception it throws fails the hash.
using HashProgress = std::function<void(uint64_t done, uint64_t total)>;

// name = path's base name. Fails with "cannot read PATH: reason" when the
// file is missing, not a regular file, unreadable, or changes (shrinks, grows
// or is written to) while being hashed; with a reason when piece_size is not
// a valid piece size or the file is over 1 TiB. threads is clamped to
// [1, number of pieces].
Result<FileMeta> hash_file(const std::filesystem::path& path, uint32_t piece_size = kPieceSize,
                           unsigned threads = 2, HashProgress progress = {});

}  // namespace p2p::files
