#include "tracker/storage/journal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

#include "tracker/storage/crc32c.hpp"

namespace p2p::storage {
namespace {

constexpr size_t kHeaderSize = 4 + 4 + 8;  // len, crc, seq

uint32_t record_crc(const char* seq_bytes, std::string_view payload) {
    return crc32c(payload.data(), payload.size(), crc32c(seq_bytes, 8));
}

std::filesystem::path parent_or_cwd(const std::filesystem::path& file) {
    auto parent = file.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

// Where the record walk reads from: the journal file during recovery, or
// bytes already in memory (scan_journal), so that both share one walk.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Fills out[0..n); returns fewer only at the end.
    virtual size_t read(char* out, size_t n) = 0;
};

// Sequential reads through a buffer: recovery walks many small records and a
// syscall per header would dominate.
class FileSource final : public ByteSource {
public:
    FileSource(int fd, const std::filesystem::path& path) : fd_(fd), path_(path), buf_(1 << 20) {}

    size_t read(char* out, size_t n) override {
        size_t got = 0;
        while (got < n) {
            if (pos_ == end_) {
                if (n - got >= buf_.size()) return got + io::read_full(fd_, out + got, n - got, path_);
                end_ = io::read_full(fd_, buf_.data(), buf_.size(), path_);
                pos_ = 0;
                if (end_ == 0) break;
            }
            size_t k = std::min(n - got, end_ - pos_);
            std::memcpy(out + got, buf_.data() + pos_, k);
            pos_ += k;
            got += k;
        }
        return got;
    }

private:
    int fd_;
    const std::filesystem::path& path_;
    std::vector<char> buf_;
    size_t pos_ = 0;
    size_t end_ = 0;
};

class MemorySource final : public ByteSource {
public:
    explicit MemorySource(std::string_view bytes) : rest_(bytes) {}

    size_t read(char* out, size_t n) override {
        const size_t k = std::min(n, rest_.size());
        std::memcpy(out, rest_.data(), k);
        rest_.remove_prefix(k);
        return k;
    }

private:
    std::string_view rest_;
};

// `size` bytes are readable from `in`. With `skip`, records with seq <=
// skip_through are checked (they still order the ones after them) but not
// kept. (Two plain values: GCC 12 falsely warns of an optional read here.)
JournalScan scan_records(ByteSource& in, uint64_t size, bool skip, uint64_t skip_through) {
    JournalScan scan;
    std::optional<uint64_t> last_seq;
    char header[kHeaderSize];
    while (scan.good_bytes < size) {
        const uint64_t remaining = size - scan.good_bytes;
        if (remaining < kHeaderSize || in.read(header, kHeaderSize) != kHeaderSize) {
            scan.stop_reason = "short header";
            break;
        }
        const uint32_t len = io::get_u32(header);
        const uint32_t want_crc = io::get_u32(header + 4);
        const uint64_t seq = io::get_u64(header + 8);
        if (len < 8 || len > kMaxRecordLen) {
            scan.stop_reason = "bad length " + std::to_string(len);
            break;
        }
        if (len - 8 > remaining - kHeaderSize) {  // checked before allocating up to 64 MiB
            scan.stop_reason = "short payload";
            break;
        }
        Record rec{seq, std::string(len - 8, '\0')};
        if (in.read(rec.payload.data(), rec.payload.size()) != rec.payload.size()) {
            scan.stop_reason = "short payload";
            break;
        }
        if (record_crc(header + 8, rec.payload) != want_crc) {
            scan.stop_reason = "bad crc";
            break;
        }
        if (last_seq && seq <= *last_seq) {
            scan.stop_reason = "seq " + std::to_string(seq) + " not above " + std::to_string(*last_seq);
            break;
        }
        last_seq = seq;
        scan.good_bytes += 8 + len;
        if (!skip || seq > skip_through) scan.records.push_back(std::move(rec));
    }
    return scan;
}

}  // namespace

JournalWriter::JournalWriter(std::filesystem::path path, io::Fd fd, uint64_t size)
    : path_(std::move(path)), fd_(std::move(fd)), file_size_(size) {}

JournalWriter JournalWriter::open(const std::filesystem::path& file) {
    // O_APPEND keeps writes at the end even after truncate_all() shrinks the file.
    io::Fd fd = io::open_file(file, O_WRONLY | O_CREAT | O_APPEND);
    uint64_t size = io::file_size(fd.get(), file);
    // If we just created the file, its name is not durable until the directory
    // is synced, and records synced into a file that vanishes are lost.
    io::fsync_dir(parent_or_cwd(file));
    return JournalWriter(file, std::move(fd), size);
}

void JournalWriter::check_usable() const {
    if (failed_) {
        throw std::logic_error("journal " + path_.string() +
                               " is unusable after an earlier I/O error; restart and recover");
    }
}

void JournalWriter::append(uint64_t seq, std::string_view payload) {
    check_usable();
    if (payload.size() > kMaxPayload) {
        throw std::length_error("journal " + path_.string() + ": record of " +
                                std::to_string(payload.size()) + " bytes exceeds the " +
                                std::to_string(kMaxPayload) + "-byte limit");
    }
    if (last_seq_ && seq <= *last_seq_) {
        throw std::invalid_argument("journal " + path_.string() + ": seq " + std::to_string(seq) +
                                    " is not above previous seq " + std::to_string(*last_seq_));
    }
    std::string seq_bytes;
    io::put_u64(seq_bytes, seq);
    io::put_u32(buf_, static_cast<uint32_t>(8 + payload.size()));
    io::put_u32(buf_, record_crc(seq_bytes.data(), payload));
    buf_ += seq_bytes;
    buf_ += payload;
    last_seq_ = seq;
}

void JournalWriter::sync() {
    check_usable();
    if (buf_.empty()) return;
    try {
        io::write_all(fd_.get(), buf_.data(), buf_.size(), path_);
        file_size_ += buf_.size();
        buf_.clear();
        if (::fdatasync(fd_.get()) != 0) io::throw_errno("fdatasync", path_);
    } catch (...) {
        failed_ = true;
        throw;
    }
}

void JournalWriter::truncate_all() {
    check_usable();
    try {
        if (::ftruncate(fd_.get(), 0) != 0) io::throw_errno("ftruncate", path_);
        if (::fsync(fd_.get()) != 0) io::throw_errno("fsync", path_);
    } catch (...) {
        failed_ = true;
        throw;
    }
    file_size_ = 0;
}

void JournalWriter::reset_to(uint64_t seq) {
    buf_.clear();
    truncate_all();
    last_seq_ = seq;
}

Recovery recover(const std::filesystem::path& dir) {
    Recovery r;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) io::throw_errno(ec.value(), "create_directories", dir);

    const auto tmp = dir / kSnapshotTmpFile;
    if (::unlink(tmp.c_str()) == 0) {
        r.log.push_back(std::string(kSnapshotTmpFile) +
                        ": removed leftover of an interrupted snapshot write");
    } else if (errno != ENOENT) {
        io::throw_errno("unlink", tmp);
    }

    r.snapshot = read_snapshot(dir);

    const auto path = dir / kJournalFile;
    io::Fd fd;
    try {
        fd = io::open_file(path, O_RDWR);
    } catch (const std::system_error& e) {
        if (e.code() == std::errc::no_such_file_or_directory) return r;
        throw;
    }
    const uint64_t size = io::file_size(fd.get(), path);

    FileSource in(fd.get(), path);
    JournalScan scan = scan_records(in, size, r.snapshot.has_value(), r.snapshot ? r.snapshot->seq : 0);
    r.records = std::move(scan.records);

    if (scan.good_bytes < size) {
        r.cut_bytes = size - scan.good_bytes;
        if (::ftruncate(fd.get(), static_cast<off_t>(scan.good_bytes)) != 0) io::throw_errno("ftruncate", path);
        if (::fsync(fd.get()) != 0) io::throw_errno("fsync", path);
        r.log.push_back(std::string(kJournalFile) + ": cut " + std::to_string(r.cut_bytes) +
                        " bytes of torn tail at offset " + std::to_string(scan.good_bytes) + " (" +
                        scan.stop_reason + ")");
    }
    return r;
}

JournalScan scan_journal(std::string_view bytes, std::optional<uint64_t> skip_through) {
    MemorySource in(bytes);
    return scan_records(in, bytes.size(), skip_through.has_value(), skip_through.value_or(0));
}

}  // namespace p2p::storage
