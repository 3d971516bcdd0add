#pragma once
// Small things every bench mode needs: where our binaries are, a scratch
// directory, command-line numbers, /proc readings of a child process.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// A setup step failed: the mode prints "error: <what>" and exits 1.
struct SetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The directory holding the running bench executable (/proc/self/exe).
std::filesystem::path own_bin_dir();

// mkdtemp under $TMPDIR (or /tmp); removed on destruction unless keep().
class TempDir {
public:
    explicit TempDir(std::string_view prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    void keep() { keep_ = true; }

private:
    std::filesystem::path path_;
    bool keep_ = false;
};

void write_text_file(const std::filesystem::path& path, std::string_view text);

// Whole-string number parsing for options; nullopt when malformed or out of range.
std::optional<long> parse_long(std::string_view text, long min, long max);
// An option's value as a number in [min, max] into `out`; false, with the
// usage error in `error` ("--runs wants a number from 1 to 100, got 'x'").
template <class T>
bool parse_count_option(const std::string& option, std::string_view value, long min, long max, T& out,
                        std::string& error) {
    const auto n = parse_long(value, min, max);
    if (!n) {
        error = option + " wants a number from " + std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                std::string(value) + "'";
        return false;
    }
    out = static_cast<T>(*n);
    return true;
}
std::optional<double> parse_seconds(std::string_view text);

// /proc/PID/status VmHWM (peak resident set) in KiB; nullopt when unreadable.
std::optional<uint64_t> peak_rss_kib(pid_t pid);
// User + system CPU time the process has used so far (/proc/PID/stat).
std::optional<double> cpu_seconds(pid_t pid);

struct ThreadCpu {
    pid_t tid = 0;
    std::string name;  // /proc/PID/task/TID/comm, e.g. "ZMQbg/IO/0"
    double seconds = 0;
};
// Every thread of pid with the CPU time it has used so far.
std::vector<ThreadCpu> thread_cpu(pid_t pid);

// CPU time all processes on the machine have used so far (/proc/stat, busy
// ticks of every core, counting steal), to see what else competed.
std::optional<double> machine_busy_cpu_seconds();
std::optional<double> load_average_1m();

// "1234567" -> "1,234,567"
std::string group_digits(uint64_t n);
std::string fixed(double value, int decimals);

}  // namespace bench
