#include "node/files/path_checks.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace p2p::files {
namespace fs = std::filesystem;

namespace {

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// A std::string_view may hold a NUL; passed to a system call it would cut
// the path short and check a different file than the one named.
std::optional<std::string> check_path_text(std::string_view text) {
    if (text.empty()) return "is empty";
    if (text.find('\0') != std::string_view::npos) return "contains a NUL byte";
    return std::nullopt;
}

// stat() follows symlinks: a link to a file is the file the user means.
Result<struct stat> stat_path(const std::string& path, std::string_view what) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        return fail(std::string(what) + " " + in_quotes(path) + ": " + std::strerror(errno));
    }
    return st;
}

// Effective ids (AT_EACCESS), because those are what open() will use.
bool may_access(const std::string& path, int mode) {
    return ::faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0;
}

Result<fs::path> canonical_of(const std::string& path, std::string_view what) {
    std::error_code ec;
    fs::path p = fs::canonical(path, ec);
    if (ec) return fail(std::string(what) + " " + in_quotes(path) + ": " + ec.message());
    return p;
}

}  // namespace

Result<fs::path> check_dest_dir(std::string_view dir) {
    constexpr std::string_view what = "destination directory";
    if (auto why = check_path_text(dir)) return fail(std::string(what) + " " + *why);
    const std::string path(dir);
    auto st = stat_path(path, what);
    if (!st) return fail(st.error());
    if (!S_ISDIR(st->st_mode)) return fail(std::string(what) + " " + in_quotes(path) + " is not a directory");
    // W for creating FILE.part and the resume record, X for reaching them.
    if (!may_access(path, W_OK | X_OK)) {
        return fail(std::string(what) + " " + in_quotes(path) + " is not writable");
    }
    return canonical_of(path, what);
}

Result<fs::path> check_upload_path(std::string_view text) {
    constexpr std::string_view what = "file";
    if (auto why = check_path_text(text)) return fail(std::string("file path ") + *why);
    const std::string path(text);
    auto st = stat_path(path, what);
    if (!st) return fail(st.error());
    if (S_ISDIR(st->st_mode)) return fail("file " + in_quotes(path) + " is a directory");
    // FIFOs, sockets and devices have no fixed size or content to hash and
    // serve; opening a FIFO could even block the node.
    if (!S_ISREG(st->st_mode)) return fail("file " + in_quotes(path) + " is not a regular file");
    if (!may_access(path, R_OK)) return fail("file " + in_quotes(path) + " is not readable");
    auto canon = canonical_of(path, what);
    if (!canon) return canon;
    const std::string name = canon->filename().string();
    if (auto why = check_file_name(name)) {
        return fail("file " + in_quotes(path) + " cannot be shared: its name " + *why);
    }
    return canon;
}

}  // namespace p2p::files
