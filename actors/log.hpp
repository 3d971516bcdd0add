#pragma once
// Diagnostics for whoever runs a tracker or node, one line per event:
//
//   2025-01-31T12:34:56.789Z WARN  session: tracker 127.0.0.1:6000 did not answer ...
//
// appended to a file in the data dir (logging::open). Never stdout: that is
// the REPL's result lines, which scripts parse. Before open() (unit tests,
// tools that use actors) lines go to stderr, as diagnostics always did.
// Any thread may log; each line is written whole, with one write(2).
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace p2p::logging {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

// "error", "warn", "info", "debug"; nullopt for anything else.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

// From now on lines at `level` or more severe are appended to `file` (made
// with mode 0600: lines may name users, groups and paths). A file already
// past 16 MiB is moved to FILE.1 first, so logs stay bounded across runs.
// Throws std::runtime_error when the file cannot be opened.
void open(const std::filesystem::path& file, Level level);

bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view text);

template <class... Parts>
void at(Level level, std::string_view component, const Parts&... parts) {
    // Checked first so that a disabled debug line costs no formatting.
    if (!enabled(level)) return;
    std::ostringstream line;
    (line << ... << parts);
    write(level, component, line.str());
}

template <class... Parts>
void error(std::string_view component, const Parts&... parts) { at(Level::error, component, parts...); }
template <class... Parts>
void warn(std::string_view component, const Parts&... parts) { at(Level::warn, component, parts...); }
template <class... Parts>
void info(std::string_view component, const Parts&... parts) { at(Level::info, component, parts...); }
template <class... Parts>
void debug(std::string_view component, const Parts&... parts) { at(Level::debug, component, parts...); }

}  // namespace p2p::logging
