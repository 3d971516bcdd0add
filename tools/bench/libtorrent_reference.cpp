#include "libtorrent_reference.hpp"

#include <regex>

#include "child_process.hpp"
#include "support.hpp"

namespace bench {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Debian's python3-libtorrent installs for /usr/bin/python3; a python3
// earlier in PATH (pyenv, a venv) usually cannot import it.
const std::vector<std::vector<std::string>> kInterpreters = {{"/usr/bin/python3"}, {"/usr/bin/env", "python3"}};

std::string last_stderr(const ChildProcess& child) {
    return child.recent_stderr().empty() ? child.exit_description() : child.recent_stderr().back();
}

// The interpreter's argv, or why none will do.
std::vector<std::string> find_interpreter(const fs::path& script, const fs::path& work, std::string& version,
                                          std::string& why) {
    for (const auto& interpreter : kInterpreters) {
        if (!fs::exists(interpreter[0])) continue;
        std::vector<std::string> argv = interpreter;
        argv.push_back(script.string());
        argv.push_back("probe");
        auto child = ChildProcess::spawn(argv, work);
        auto line = child.wait_for_line(
            ChildProcess::Stream::out, [](std::string_view l) { return l.rfind("libtorrent ", 0) == 0; }, 30s);
        child.wait_exit(5s);
        if (line) {
            version = *line;
            return interpreter;
        }
        why = last_stderr(child);
    }
    if (why.empty()) why = "no python3 found";
    return {};
}

}  // namespace

LibtorrentRun run_libtorrent_reference(const fs::path& bin_dir, const fs::path& file, const fs::path& work) {
    LibtorrentRun run;
    const fs::path script = bin_dir / "libtorrent_ref.py";
    if (!fs::exists(script)) {
        run.skipped = "no " + script.string() + " (the build copies it next to bench)";
        return run;
    }
    auto argv = find_interpreter(script, work, run.version, run.skipped);
    if (argv.empty()) return run;
    argv.insert(argv.end(), {script.string(), "run", "--file", file.string(), "--work", work.string()});
    auto child = ChildProcess::spawn(argv, work);
    const std::regex result(R"(^case=(\S+) seconds=([0-9.]+) vmhwm_kib=([0-9]+) anon_peak_kib=([0-9]+)$)");
    for (;;) {
        std::smatch m;
        auto line = child.wait_for_line(
            ChildProcess::Stream::out, [](std::string_view l) { return l.rfind("case=", 0) == 0; }, 1200s);
        if (!line) break;
        if (!std::regex_match(*line, m, result)) {
            run.skipped = "unexpected output: " + *line;
            return run;
        }
        run.cases.push_back({"libtorrent " + m[1].str(), std::stod(m[2].str()), std::stoull(m[3].str()),
                             std::stoull(m[4].str())});
    }
    if (!child.wait_exit(30s)) child.kill_and_reap();
    if (!child.exited_cleanly()) {
        run.skipped = "libtorrent_ref.py failed: " + last_stderr(child);
    }
    return run;
}

}  // namespace bench
