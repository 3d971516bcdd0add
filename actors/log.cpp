#include "actors/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <stdexcept>

namespace p2p::logging {

namespace {

constexpr std::uintmax_t kRotateBytes = 16u << 20;

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;
int g_fd = STDERR_FILENO;  // guarded by g_mutex

std::string timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&secs, &utc);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
    for (Level l : {Level::error, Level::warn, Level::info, Level::debug}) {
        if (name == level_name(l)) return l;
    }
    return std::nullopt;
}

std::string_view level_name(Level level) {
    switch (level) {
        case Level::error: return "error";
        case Level::warn: return "warn";
        case Level::info: return "info";
        case Level::debug: return "debug";
    }
    return "?";
}

void open(const std::filesystem::path& file, Level level) {
    std::error_code ec;
    if (std::filesystem::file_size(file, ec) > kRotateBytes && !ec) {
        std::filesystem::rename(file, file.string() + ".1", ec);
    }
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open log file " + file.string() + ": " + std::strerror(errno));
    std::lock_guard lock(g_mutex);
    if (g_fd != STDERR_FILENO) ::close(g_fd);
    g_fd = fd;
    g_level = static_cast<int>(level);
}

bool enabled(Level level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view component, std::string_view text) {
    if (!enabled(level)) return;
    std::string line = timestamp();
    line += ' ';
    std::string name(level_name(level));
    for (auto& c : name) c = static_cast<char>(c - 'a' + 'A');
    name.resize(5, ' ');
    line += name;
    line += ' ';
    line += component;
    line += ": ";
    // One event, one line: a newline inside the text would forge a new entry.
    for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
    line += '\n';
    std::lock_guard lock(g_mutex);
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::write(g_fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a full disk must not stop the program it describes
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace p2p::logging
