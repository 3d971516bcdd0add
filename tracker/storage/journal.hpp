#pragma once

// Tracker durability: an append-only journal of opaque command records plus
// an occasional snapshot of the whole state (snapshot.hpp).
//
// Why a kill -9 (or a power cut) at any point loses no record that sync() returned for:
//  * sync() returns only after write() has handed every buffered byte to the
//    kernel and fdatasync() has put them, and the file length, on stable
//    storage. The file's directory entry was made durable when the writer was
//    opened. A kill -9 only loses the writer's in-memory buffer, which holds
//    exactly the records sync() has not yet returned for.
//  * The file is only ever appended to, so whatever a crash damages (a
//    half-written record, unsynced blocks that read back as zeros or stale
//    data) lies after the last synced byte. Every record ends in a crc32c over
//    its seq and payload, and seqs strictly increase, so recover() keeps the
//    longest prefix of intact records, which includes every synced one, and
//    stops at the first bad one rather than guessing past it.
//  * recover() truncates (and fsyncs) the file at that point before anyone
//    appends again; otherwise new records would sit behind the garbage and be
//    dropped by the next recovery. For the same reason a writer whose write or
//    fdatasync failed refuses further use: the file may now end in a partial
//    record, so the process must restart and recover.
//  * A snapshot is renamed into place atomically (old or new, never half) and
//    the directory fsynced before truncate_all() empties the journal. A crash
//    in between leaves records the snapshot already contains; recover() skips
//    every record with seq <= the snapshot's seq, so none is applied twice.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/storage/file_io.hpp"
#include "tracker/storage/snapshot.hpp"

namespace p2p::storage {

inline constexpr const char* kJournalFile = "journal.log";

// On disk: u32 LE len | u32 LE crc32c(seq bytes + payload) | u64 LE seq | payload.
// len counts seq + payload; anything above this is treated as corruption.
inline constexpr uint32_t kMaxRecordLen = 64u << 20;
inline constexpr size_t kMaxPayload = kMaxRecordLen - 8;

struct Record {
    uint64_t seq = 0;
    std::string payload;
    bool operator==(const Record&) const = default;
};

// Single-threaded; move-only. Unsynced appends are dropped when it is destroyed.
class JournalWriter {
public:
    // Creates the file if missing and appends at its end. Run recover() on the
    // directory first: appending behind a torn tail would make new records unreadable.
    static JournalWriter open(const std::filesystem::path& file);

    // Buffers one record in memory; nothing touches the disk until sync().
    // Throws std::length_error if payload exceeds kMaxPayload, and
    // std::invalid_argument if seq is not above the previous append's
    // (recovery would cut the journal there).
    void append(uint64_t seq, std::string_view payload);

    // Writes the buffer and fdatasyncs. Once this returns, every appended
    // record survives a crash. On failure throws std::system_error and the
    // writer becomes unusable (see above): restart and recover.
    void sync();

    // Bytes appended but not yet synced.
    size_t buffered() const { return buf_.size(); }

    // Empties the file (ftruncate + fsync) once a snapshot covers its records.
    // Still-buffered records are kept and land in the emptied file at the next
    // sync(); any that the snapshot already covers are skipped by recover().
    void truncate_all();

    // Forgets everything: drops the buffer, empties the file, and accepts any
    // seq above `seq` next. For a standby that takes a primary's snapshot in
    // place of its own history (which may have diverged).
    void reset_to(uint64_t seq);

    // Bytes in the file, excluding buffered().
    uint64_t file_size() const { return file_size_; }

    const std::filesystem::path& path() const { return path_; }

private:
    JournalWriter(std::filesystem::path path, io::Fd fd, uint64_t size);
    void check_usable() const;

    std::filesystem::path path_;
    io::Fd fd_;
    std::string buf_;
    uint64_t file_size_ = 0;
    std::optional<uint64_t> last_seq_;  // only what this writer appended
    bool failed_ = false;
};

struct Recovery {
    std::optional<Snapshot> snapshot;
    std::vector<Record> records;  // seq > snapshot seq, in order
    uint64_t cut_bytes = 0;       // bytes truncated off journal.log
    std::vector<std::string> log; // one human-readable line per repair made
};

// What a walk over journal bytes found.
struct JournalScan {
    std::vector<Record> records;  // the intact records kept, in order
    uint64_t good_bytes = 0;      // length of the intact prefix
    std::string stop_reason;      // why the walk stopped short of the end; empty if it did not
};

// The reading half of recover(), on bytes in memory and without touching any
// file: the same checks, the same stop rules. Records with seq <= skip_through
// (the snapshot's seq) are checked but not kept.
JournalScan scan_journal(std::string_view bytes, std::optional<uint64_t> skip_through = std::nullopt);

// Creates `dir` if missing, removes a leftover snapshot.bin.tmp, loads
// dir/snapshot.bin (throws std::runtime_error if it is corrupt), then reads
// dir/journal.log up to the first torn or corrupt record (short header, short
// payload, bad length, bad crc, or seq not above the previous one) and
// truncates the file there so the next JournalWriter appends after good data.
// I/O errors throw std::system_error.
Recovery recover(const std::filesystem::path& dir);

}  // namespace p2p::storage
