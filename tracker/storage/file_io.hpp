#pragma once

// Internal to tracker_storage: the POSIX plumbing shared by journal and snapshot code.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace p2p::storage::io {

// Throws std::system_error(errno) whose what() reads "<op> <path>: <strerror>".
[[noreturn]] void throw_errno(std::string_view op, const std::filesystem::path& path);
[[noreturn]] void throw_errno(int err, std::string_view op, const std::filesystem::path& path);

// Owns a file descriptor; close errors are ignored because every durability
// point is an explicit fsync/fdatasync before the close.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_ = -1;
};

// open(2) retried on EINTR; throws on failure.
Fd open_file(const std::filesystem::path& path, int flags, unsigned mode = 0644);

// Loops over short writes and EINTR; throws on failure.
void write_all(int fd, const char* data, size_t n, const std::filesystem::path& path);

// Reads up to n bytes (fewer only at EOF); throws on failure.
size_t read_full(int fd, char* data, size_t n, const std::filesystem::path& path);

uint64_t file_size(int fd, const std::filesystem::path& path);

// Makes a create/rename/unlink inside `dir` durable; fsync of the file alone does not.
void fsync_dir(const std::filesystem::path& dir);

inline void put_u32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
inline void put_u64(std::string& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
inline uint32_t get_u32(const char* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(p[i])} << (8 * i);
    return v;
}
inline uint64_t get_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    return v;
}

}  // namespace p2p::storage::io
