#pragma once
// What a download must remember across a restart, kept next to
// DEST_DIR/FILE.part: which pieces are already written and verified, so a
// restarted node neither re-downloads nor re-hashes them.
//
// On disk: "P2PRES01" | u32 LE checksum | msgpack(ResumeRecord). The checksum
// is the first 4 bytes of SHA-256(payload): it catches torn and corrupted
// files; it does not defend against someone who can write the file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "messages/result.hpp"
#include "messages/file_meta.hpp"

namespace p2p::files {

inline constexpr std::string_view kResumeMagic = "P2PRES01";
inline constexpr std::size_t kResumeHeaderBytes = 8 + 4;

struct ResumeRecord {
    std::string group;
    FileMeta meta;
    std::string dest_dir;
    // One bit per piece, MSB of byte 0 is piece 0; bits past the last piece
    // are 0. Exactly bitfield_bytes(pieces) long.
    std::string have;
    // Left to the download manager (e.g. bumped on every save); not
    // interpreted here.
    uint64_t version = 0;
    // The boot the listed pieces were written in (boot_id.hpp). Records
    // written before this field existed read as "" : an unknown boot.
    std::string boot_id;

    friend bool operator==(const ResumeRecord&, const ResumeRecord&) = default;
    MSGPACK_DEFINE_MAP(group, meta, dest_dir, have, version, boot_id);
};

constexpr uint64_t bitfield_bytes(uint64_t pieces) { return pieces / 8 + (pieces % 8 != 0); }

// Header and payload, exactly as save_resume writes them.
std::string encode_resume(const ResumeRecord& record);

// Atomic replace: writes FILE.tmp, fsyncs it, renames it over FILE, fsyncs
// the directory. A crash leaves either the old record or the new one, never
// a mix. Throws std::system_error on an I/O error (disk full, no permission),
// leaving the old record in place.
void save_resume(const std::filesystem::path& file, const ResumeRecord& record);

// Fails, with the reason, on a missing, short or corrupted file, a payload
// that does not decode, metadata that fails check_meta, or a have bitfield
// of the wrong length or with bits set past the last piece.
Result<ResumeRecord> decode_resume(std::string_view bytes);
Result<ResumeRecord> load_resume(const std::filesystem::path& file);

}  // namespace p2p::files
