#include "tracker/storage/snapshot.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

#include "tracker/storage/crc32c.hpp"
#include "tracker/storage/file_io.hpp"

namespace p2p::storage {
namespace {

constexpr char kMagic[8] = {'P', '2', 'P', 'S', 'N', 'A', 'P', '1'};
constexpr size_t kHeaderSize = 8 + 8 + 8 + 4;

[[noreturn]] void corrupt(const std::filesystem::path& path, const std::string& reason) {
    throw std::runtime_error(
        "snapshot " + path.string() + " is corrupt (" + reason +
        "); refusing to start without it, because the journal it replaced was truncated. "
        "Restore it from a backup, or move the state directory away to start empty.");
}

}  // namespace

void write_snapshot(const std::filesystem::path& dir, uint64_t seq, std::string_view bytes) {
    const auto tmp = dir / kSnapshotTmpFile;
    const auto final_path = dir / kSnapshotFile;

    std::string header(kMagic, sizeof kMagic);
    io::put_u64(header, seq);
    io::put_u64(header, bytes.size());
    // The crc covers the seq and length too: a flipped seq bit would otherwise
    // make recovery skip or replay the wrong journal records.
    io::put_u32(header, crc32c(bytes.data(), bytes.size(), crc32c(header.data() + 8, 16)));

    try {
        io::Fd fd = io::open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC);
        io::write_all(fd.get(), header.data(), header.size(), tmp);
        io::write_all(fd.get(), bytes.data(), bytes.size(), tmp);
        // The data must be on disk before the rename can be; otherwise a crash
        // could leave snapshot.bin pointing at an empty or partial file.
        if (::fsync(fd.get()) != 0) io::throw_errno("fsync", tmp);
        if (::close(fd.release()) != 0) io::throw_errno("close", tmp);
        if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
            io::throw_errno("rename to " + final_path.string(), tmp);
        }
    } catch (...) {
        ::unlink(tmp.c_str());  // best effort; recover() also removes leftovers
        throw;
    }
    // Until the directory is synced the rename may not survive a power loss,
    // and the caller is about to truncate the journal on the strength of it.
    io::fsync_dir(dir);
}

std::optional<Snapshot> read_snapshot(const std::filesystem::path& dir) {
    const auto path = dir / kSnapshotFile;
    io::Fd fd;
    try {
        fd = io::open_file(path, O_RDONLY);
    } catch (const std::system_error& e) {
        if (e.code() == std::errc::no_such_file_or_directory) return std::nullopt;
        throw;
    }

    const uint64_t size = io::file_size(fd.get(), path);
    std::string file(size, '\0');
    if (io::read_full(fd.get(), file.data(), size, path) != size) corrupt(path, "file shrank while being read");
    return decode_snapshot(std::move(file), path);
}

Snapshot decode_snapshot(std::string file, const std::filesystem::path& path) {
    if (file.size() < kHeaderSize) {
        corrupt(path, "file is " + std::to_string(file.size()) + " bytes, shorter than the " +
                          std::to_string(kHeaderSize) + "-byte header");
    }
    const char* header = file.data();
    if (std::memcmp(header, kMagic, sizeof kMagic) != 0) corrupt(path, "bad magic");

    Snapshot snap;
    snap.seq = io::get_u64(header + 8);
    const uint64_t len = io::get_u64(header + 16);
    const uint32_t want_crc = io::get_u32(header + 24);
    if (len != file.size() - kHeaderSize) {
        corrupt(path, "header says " + std::to_string(len) + " payload bytes, file holds " +
                          std::to_string(file.size() - kHeaderSize));
    }
    const uint32_t crc = crc32c(header + kHeaderSize, len, crc32c(header + 8, 16));
    if (crc != want_crc) corrupt(path, "bad crc");
    // In place: a snapshot can be most of the tracker's memory, so no second copy.
    file.erase(0, kHeaderSize);
    snap.bytes = std::move(file);
    return snap;
}

}  // namespace p2p::storage
