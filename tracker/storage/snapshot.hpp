#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace p2p::storage {

inline constexpr const char* kSnapshotFile = "snapshot.bin";
inline constexpr const char* kSnapshotTmpFile = "snapshot.bin.tmp";

// The state as of journal record `seq` (every record <= seq is folded in).
struct Snapshot {
    uint64_t seq = 0;
    std::string bytes;
};

// On disk: "P2PSNAP1" | u64 LE seq | u64 LE len | u32 LE crc32c(bytes) | bytes.
// Written to snapshot.bin.tmp, fsynced, renamed over snapshot.bin, then the
// directory is fsynced: a crash leaves either the old or the new snapshot, whole.
// Only after this returns may the caller truncate the journal.
// Throws std::system_error naming the path and operation.
void write_snapshot(const std::filesystem::path& dir, uint64_t seq, std::string_view bytes);

// nullopt if dir/snapshot.bin does not exist. A snapshot that exists but fails
// its checks throws std::runtime_error rather than being ignored: the journal
// that preceded it has been truncated, so starting empty would silently drop state.
std::optional<Snapshot> read_snapshot(const std::filesystem::path& dir);

// The checks of read_snapshot() on the file's bytes, already read; `path`
// only names the file in the error.
Snapshot decode_snapshot(std::string file, const std::filesystem::path& path);

}  // namespace p2p::storage
