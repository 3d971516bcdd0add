#pragma once
// A program the bench started: pipes to its stdin, from its stdout and from
// its stderr (kept apart: a server's console answers come on stdout, its log
// on stderr). The child dies with the bench (PR_SET_PDEATHSIG); the bench
// only ever signals the child's own pid.
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace bench {

// Where a bench starts a server: the address it binds and announces, and a
// command its own is run under (e.g. {"/usr/sbin/ip", "netns", "exec", NS}
// for a network namespace, which execs it in place: same pid). The default
// is loopback in the bench's own namespace.
struct ProcessPlace {
    std::string ip = "127.0.0.1";
    std::vector<std::string> wrapper;

    bool loopback() const { return ip == "127.0.0.1" && wrapper.empty(); }
    // wrapper + argv
    std::vector<std::string> command(std::vector<std::string> argv) const {
        std::vector<std::string> out = wrapper;
        out.insert(out.end(), argv.begin(), argv.end());
        return out;
    }
};

class ChildProcess {
public:
    enum class Stream { out, err };

    // Forks and execs argv (argv[0] a path) in cwd. Throws SetupError when the
    // pipes or fork fail; an exec failure shows up as exit 127 plus a stderr line.
    // Call from a thread that outlives the child: PR_SET_PDEATHSIG fires when
    // the forking *thread* ends.
    static ChildProcess spawn(const std::vector<std::string>& argv, const std::filesystem::path& cwd);

    ChildProcess() = default;
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();  // still running: SIGKILL its pid and reap it

    pid_t pid() const { return pid_; }
    bool running();  // reaps without blocking

    // Writes all of text to its stdin; false when it no longer reads.
    bool write_stdin(std::string_view text);

    // Reads its output until a complete line of `stream` satisfies match, and
    // returns it; earlier lines of that stream are dropped. nullopt after
    // `timeout`, or when the child has exited and its output is drained.
    // Timeout 0 looks at what has arrived so far without waiting.
    std::optional<std::string> wait_for_line(Stream stream, const std::function<bool(std::string_view)>& match,
                                             std::chrono::milliseconds timeout);

    // Reads whatever output is ready, without blocking (keeps pipes from filling).
    void drain_output();

    // Waits up to `timeout` for it to exit; true once reaped.
    bool wait_exit(std::chrono::milliseconds timeout);
    void kill_and_reap();  // SIGKILL to pid_, then waitpid

    std::string exit_description() const;
    bool exited_cleanly() const;  // reaped, with status 0
    // The last stderr lines seen (at most 20), for error messages.
    const std::deque<std::string>& recent_stderr() const { return recent_err_; }

private:
    struct Pipe {
        int fd = -1;
        std::string partial;
        std::deque<std::string> lines;
    };
    void release();
    // poll()s both output pipes up to timeout_ms and splits what arrives into lines.
    void read_output(int timeout_ms);
    void take(Pipe& pipe, Stream stream);

    pid_t pid_ = -1;
    bool exited_ = false;
    int status_ = 0;
    int in_fd_ = -1;
    Pipe out_;
    Pipe err_;
    std::deque<std::string> recent_err_;
};

}  // namespace bench
