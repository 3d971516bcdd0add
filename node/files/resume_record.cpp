#include "node/files/resume_record.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages/bounded_unpack.hpp"
#include "messages/sha256.hpp"

namespace p2p::files {
namespace fs = std::filesystem;

namespace {

// The largest record check_meta can accept: a 1 TiB file in 16 KiB pieces
// (2^26 hashes of 32 bytes plus msgpack overhead) and its bitfield. Anything
// larger is corrupt, and is refused before it is read into memory.
constexpr uint64_t kMaxPieces = kMaxFileSize / kMinPieceSize;
constexpr uint64_t kMaxResumeBytes = kMaxPieces * (kHashBytes + 2) + bitfield_bytes(kMaxPieces) +
                                     (1 << 20) + kResumeHeaderBytes;

uint32_t checksum(std::string_view payload) {
    const std::string d = sha256(payload);
    const auto b = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(d[i])); };
    return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

uint32_t load_le32(const char* p) {
    const auto b = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(p[i])); };
    return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { close(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    // close() can report a delayed write error (NFS); callers that care use this.
    int close() {
        const int rc = fd_ >= 0 ? ::close(fd_) : 0;
        fd_ = -1;
        return rc;
    }

private:
    int fd_;
};

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void write_all(int fd, std::string_view bytes, const std::string& what) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(what);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// The sizes are those a valid record can need; anything bigger is corrupt.
// (unpack_bounded keeps a length within them from allocating for elements
// the file does not hold: 2^26 hashes would otherwise be 1.5 GiB of slots.)
msgpack::unpack_limit resume_limits() {
    return msgpack::unpack_limit(/*array=*/kMaxPieces, /*map=*/16,
                                 /*str=*/bitfield_bytes(kMaxPieces) + 4096,
                                 /*bin=*/bitfield_bytes(kMaxPieces) + 4096, /*ext=*/0,
                                 /*depth=*/4);
}

}  // namespace

std::string encode_resume(const ResumeRecord& record) {
    msgpack::sbuffer payload;
    msgpack::pack(payload, record);
    const std::string_view body(payload.data(), payload.size());
    const uint32_t sum = checksum(body);
    std::string out;
    out.reserve(kResumeHeaderBytes + body.size());
    out.append(kResumeMagic);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(sum >> (8 * i)));
    out.append(body);
    return out;
}

void save_resume(const fs::path& file, const ResumeRecord& record) {
    const std::string bytes = encode_resume(record);
    fs::path tmp = file;
    tmp += ".tmp";
    const std::string what = "save resume record " + file.string();
    try {
        Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd) throw_errno(what);
        write_all(fd.get(), bytes, what);
        // Data on disk before the rename makes it visible: otherwise a crash
        // can leave the new name pointing at an empty file.
        if (::fsync(fd.get()) != 0) throw_errno(what);
        if (fd.close() != 0) throw_errno(what);
        if (::rename(tmp.c_str(), file.c_str()) != 0) throw_errno(what);
    } catch (...) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw;
    }
    // Makes the rename itself durable.
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd || ::fsync(dfd.get()) != 0) throw_errno(what);
}

Result<ResumeRecord> decode_resume(std::string_view bytes) {
    if (bytes.size() < kResumeHeaderBytes) {
        return fail("too short (" + std::to_string(bytes.size()) + " bytes)");
    }
    if (bytes.substr(0, kResumeMagic.size()) != kResumeMagic) return fail("bad magic");
    const std::string_view payload = bytes.substr(kResumeHeaderBytes);
    if (load_le32(bytes.data() + kResumeMagic.size()) != checksum(payload)) {
        return fail("checksum mismatch");
    }
    ResumeRecord record;
    try {
        std::size_t offset = 0;
        const msgpack::object_handle handle =
            unpack_bounded(payload.data(), payload.size(), offset, resume_limits());
        if (offset != payload.size()) return fail("trailing bytes after the record");
        if (handle.get().type != msgpack::type::MAP) return fail("record is not a map");
        handle.get().convert(record);
    } catch (const std::exception& e) {
        return fail(std::string("undecodable: ") + e.what());
    }
    if (auto ok = check_meta(record.meta); !ok) return fail(ok.error());
    const uint64_t pieces = record.meta.piece_hashes.size();
    if (record.have.size() != bitfield_bytes(pieces)) {
        return fail("have bitfield is " + std::to_string(record.have.size()) + " bytes for " +
                    std::to_string(pieces) + " pieces");
    }
    if (pieces % 8 != 0) {
        const auto last = static_cast<unsigned char>(record.have.back());
        const unsigned spare_mask = 0xFFu >> (pieces % 8);
        if ((last & spare_mask) != 0) return fail("have bitfield has bits past the last piece");
    }
    return record;
}

Result<ResumeRecord> load_resume(const fs::path& file) {
    const auto bad = [&](const std::string& why) {
        return fail("resume record " + file.string() + ": " + why);
    };
    Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) return bad(std::strerror(errno));
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) return bad(std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return bad("not a regular file");
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size > kMaxResumeBytes) return bad("too large (" + std::to_string(size) + " bytes)");
    std::string bytes(size, '\0');
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n = ::read(fd.get(), bytes.data() + got, size - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return bad(std::strerror(errno));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    auto record = decode_resume(bytes);
    if (!record) return bad(record.error());
    return record;
}

}  // namespace p2p::files
