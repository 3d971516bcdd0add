#include "netns_lab.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "support.hpp"

namespace bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// ip and tc live in /usr/sbin or /sbin, which a non-root PATH often lacks.
std::string find_program(const std::string& name) {
    std::string dirs = "/usr/sbin:/sbin:/usr/bin:/bin";
    if (const char* path = std::getenv("PATH")) dirs = std::string(path) + ":" + dirs;
    std::stringstream list(dirs);
    for (std::string dir; std::getline(list, dir, ':');) {
        if (dir.empty()) continue;
        const fs::path candidate = fs::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return "";
}

// In the janitor: runs argv with no output and waits for it; failures are
// ignored (what it deletes may never have been made).
void run_quietly(const std::vector<std::string>& argv) {
    std::vector<char*> c_argv;
    for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
    c_argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, STDIN_FILENO);
            ::dup2(null, STDOUT_FILENO);
            ::dup2(null, STDERR_FILENO);
        }
        ::execv(c_argv[0], c_argv.data());
        ::_exit(127);
    }
    if (pid < 0) return;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

std::optional<std::string> NetnsLab::unavailable() {
    if (::geteuid() != 0) return "not root";
    if (find_program("ip").empty()) return "no ip (iproute2)";
    if (find_program("tc").empty()) return "no tc (iproute2)";
    if (::access("/proc/self/ns/net", R_OK) != 0) return "no network namespaces in this kernel";
    return std::nullopt;
}

NetnsLab::NetnsLab(std::size_t hosts, fs::path remove_on_exit)
    : prefix_("p2pb" + std::to_string(::getpid())),
      hosts_(hosts),
      ip_bin_(find_program("ip")),
      tc_bin_(find_program("tc")) {
    if (hosts_ == 0 || hosts_ > 250) throw SetupError("a lab has 1 to 250 hosts");
    start_janitor(remove_on_exit);
    try {
        const std::string bridge = prefix_ + "br";
        run(ip_bin_, {"link", "add", bridge, "type", "bridge"});
        run(ip_bin_, {"link", "set", bridge, "up"});
        for (std::size_t i = 0; i < hosts_; ++i) {
            const std::string name = ns(i);  // the namespace and the veth's bridge end
            run(ip_bin_, {"netns", "add", name});
            run(ip_bin_, {"link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", name});
            run(ip_bin_, {"link", "set", name, "master", bridge, "up"});
            run(ip_bin_, {"-n", name, "addr", "add", ip(i) + "/24", "dev", "eth0"});
            run(ip_bin_, {"-n", name, "link", "set", "eth0", "up"});
            run(ip_bin_, {"-n", name, "link", "set", "lo", "up"});
        }
    } catch (...) {
        ::close(janitor_pipe_);
        while (::waitpid(janitor_, nullptr, 0) < 0 && errno == EINTR) {
        }
        throw;
    }
}

NetnsLab::~NetnsLab() {
    ::close(janitor_pipe_);
    while (::waitpid(janitor_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

void NetnsLab::start_janitor(const fs::path& remove_on_exit) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw SetupError(std::string("cannot make a pipe: ") + std::strerror(errno));
    // Everything the janitor needs, made before the fork.
    std::vector<std::vector<std::string>> deletions;
    // The bridge ends first: deleting one deletes its pair at once, while a
    // deleted namespace takes its veth along only when the kernel gets to it.
    for (std::size_t i = 0; i < hosts_; ++i) deletions.push_back({ip_bin_, "link", "del", ns(i)});
    for (std::size_t i = 0; i < hosts_; ++i) deletions.push_back({ip_bin_, "netns", "del", ns(i)});
    deletions.push_back({ip_bin_, "link", "del", prefix_ + "br"});
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw SetupError(std::string("cannot fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::setsid();
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(sig, SIG_IGN);
        ::close(fds[1]);
        char c;
        for (;;) {
            const ssize_t n = ::read(fds[0], &c, 1);
            if (n == 0 || (n < 0 && errno != EINTR)) break;
        }
        // The bench's children die with it (PR_SET_PDEATHSIG); give them a moment.
        ::usleep(200 * 1000);
        for (const auto& argv : deletions) run_quietly(argv);
        if (!remove_on_exit.empty()) {
            std::error_code ec;
            fs::remove_all(remove_on_exit, ec);
        }
        ::_exit(0);
    }
    ::close(fds[0]);
    janitor_ = pid;
    janitor_pipe_ = fds[1];
}

std::string NetnsLab::ns(std::size_t host) const { return prefix_ + "n" + std::to_string(host); }

std::string NetnsLab::ip(std::size_t host) const { return "10.77.0." + std::to_string(host + 1); }

ProcessPlace NetnsLab::place(std::size_t host) const { return ProcessPlace{ip(host), {ip_bin_, "netns", "exec", ns(host)}}; }

uint64_t NetnsLab::tbf_burst_bytes(uint64_t bits_per_s) { return std::max<uint64_t>(64 * 1024, bits_per_s / 8 / 200); }

void NetnsLab::cap_upload(std::size_t host, uint64_t bits_per_s) {
    run(tc_bin_, {"-n", ns(host), "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate",
                  std::to_string(bits_per_s) + "bit", "burst", std::to_string(tbf_burst_bytes(bits_per_s)), "latency",
                  std::to_string(kTbfLatencyMs) + "ms"});
}

uint64_t NetnsLab::sent_bytes(std::size_t host) const {
    // What the namespace sends arrives at the bridge end of its veth, in the
    // bench's own namespace: its rx counter, read without running anything.
    std::ifstream in("/sys/class/net/" + ns(host) + "/statistics/rx_bytes");
    uint64_t bytes = 0;
    if (!(in >> bytes)) throw SetupError("cannot read the counters of " + ns(host));
    return bytes;
}

TxCounters NetnsLab::tx(std::size_t host) {
    TxCounters t;
    t.bytes = sent_bytes(host);
    // " Sent 70168486 bytes 46357 pkt (dropped 0, overlimits 54540 requeues 0)"
    static const std::regex sent(R"(Sent [0-9]+ bytes [0-9]+ pkt \(dropped ([0-9]+))");
    for (const auto& line : run(tc_bin_, {"-n", ns(host), "-s", "qdisc", "show", "dev", "eth0"})) {
        std::smatch m;
        if (std::regex_search(line, m, sent)) t.dropped += std::stoull(m[1].str());
    }
    return t;
}

std::vector<std::string> NetnsLab::run(const std::string& program, const std::vector<std::string>& args) {
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    auto child = ChildProcess::spawn(argv, "/");
    std::vector<std::string> out;
    while (auto line = child.wait_for_line(ChildProcess::Stream::out, [](std::string_view) { return true; }, 10s)) {
        out.push_back(*line);
    }
    if (!child.wait_exit(10s)) child.kill_and_reap();
    if (!child.exited_cleanly()) {
        std::string command;
        for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
        const auto& err = child.recent_stderr();
        throw SetupError(command + " " + child.exit_description() + (err.empty() ? "" : ": " + err.back()));
    }
    return out;
}

}  // namespace bench
