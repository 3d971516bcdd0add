// resume-check PATH... — checks resume records against the .part files
// they describe: every piece a record lists as verified must be on disk,
// in DEST_DIR/NAME.part, with its hash. A PATH is a record or a directory
// (its *.resume files: DATA/users/USER/downloads). One line per record,
// "NAME in GROUP: K of N pieces listed, all verified in PART"; an "error:"
// line for a record that does not hold. Exit status 0 when every record
// holds, 1 otherwise, 2 for a usage error.
//
// Scenarios use it to prove that a download stopped by a crash or a full
// disk left a record that promises nothing the .part lacks.
//
// resume-check --forget-boot PATH... rewrites each record as one written in
// an earlier boot of the machine (its boot id cleared), without checking
// it: what a machine crash leaves behind. A PATH that is a user's dir
// (DATA/users/USER) stands for its downloads/*.resume and also has every
// share in its shares.msgpack marked as a download finished in an earlier
// boot. A scenario cannot restart the machine; with this it checks that the
// node then reads those pieces and files back before it trusts them.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include "messages/sha256.hpp"
#include "node/files/resume_record.hpp"
#include "node/share_store.hpp"

namespace {

namespace fs = std::filesystem;
using p2p::files::ResumeRecord;

bool piece_listed(const std::string& have, std::size_t piece) {
    return (static_cast<unsigned char>(have[piece / 8]) >> (7 - piece % 8)) & 1;
}

// Empty when every listed piece is in the .part with its hash.
std::string check_record(const ResumeRecord& rec, const fs::path& part, std::size_t& listed) {
    const std::size_t pieces = rec.meta.piece_hashes.size();
    listed = 0;
    for (std::size_t i = 0; i < pieces; ++i) listed += piece_listed(rec.have, i);
    if (listed == 0) return {};
    const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "cannot open " + part.string() + ": " + std::strerror(errno);
    std::string problem;
    std::vector<char> buf(rec.meta.piece_size);
    for (std::size_t i = 0; i < pieces && problem.empty(); ++i) {
        if (!piece_listed(rec.have, i)) continue;
        const uint32_t length = p2p::files::piece_length(rec.meta, i);
        const ssize_t got = ::pread(fd, buf.data(), length, static_cast<off_t>(i * uint64_t{rec.meta.piece_size}));
        if (got != static_cast<ssize_t>(length)) {
            problem = "piece " + std::to_string(i) + " is listed but " + part.string() + " is too short for it";
        } else if (p2p::files::sha256(buf.data(), length) != rec.meta.piece_hashes[i]) {
            problem = "piece " + std::to_string(i) + " is listed but its bytes in " + part.string() +
                      " do not match its hash";
        }
    }
    ::close(fd);
    return problem;
}

// The record at PATH, or nothing after an "error:" line saying why not.
std::optional<ResumeRecord> load_or_report(const fs::path& path) {
    auto rec = p2p::files::load_resume(path);
    if (!rec) {
        std::cout << "error: " << rec.error() << std::endl;
        return std::nullopt;
    }
    return std::move(*rec);
}

bool check_file(const fs::path& path) {
    auto rec = load_or_report(path);
    if (!rec) return false;
    const fs::path part = fs::path(rec->dest_dir) / (rec->meta.name + ".part");
    std::size_t listed = 0;
    const std::string problem = check_record(*rec, part, listed);
    if (!problem.empty()) {
        std::cout << "error: " << rec->meta.name << " in " << rec->group << ": " << problem << std::endl;
        return false;
    }
    std::cout << rec->meta.name << " in " << rec->group << ": " << listed << " of " << rec->meta.piece_hashes.size()
              << " pieces listed, all verified in " << part.string() << std::endl;
    return true;
}

// The records PATH names: itself, or the *.resume files in it.
std::vector<fs::path> records_at(const fs::path& path, bool& ok) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return {path};
    std::vector<fs::path> records;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.path().extension() == ".resume") records.push_back(entry.path());
    }
    if (ec) {
        std::cout << "error: cannot list " << path.string() << ": " << ec.message() << std::endl;
        ok = false;
        return {};
    }
    if (records.empty()) std::cout << "no resume records in " << path.string() << std::endl;
    std::sort(records.begin(), records.end());
    return records;
}

bool forget_boot(const fs::path& path) {
    auto rec = load_or_report(path);
    if (!rec) return false;
    rec->boot_id.clear();
    try {
        p2p::files::save_resume(path, *rec);
    } catch (const std::exception& e) {
        std::cout << "error: " << e.what() << std::endl;
        return false;
    }
    std::cout << rec->meta.name << " in " << rec->group << ": record now as if written before a restart" << std::endl;
    return true;
}

// DATA/users/USER: every share it has, as a download finished in an
// earlier boot (a file the user shared included: the proof is the same).
bool forget_share_boots(const fs::path& user_dir) {
    p2p::node::ShareStore store(user_dir.parent_path().parent_path());
    const std::string user = user_dir.filename().string();
    bool ok = true;
    for (auto share : store.shares(user)) {
        share.boot_id = "an-earlier-boot";
        if (const std::string err = store.add(user, share); !err.empty()) {
            std::cout << "error: " << err << std::endl;
            ok = false;
            continue;
        }
        std::cout << share.meta.name << " in " << share.group << ": share now as if downloaded before a restart"
                  << std::endl;
    }
    return ok;
}

constexpr const char* kUsage = "usage: resume-check [--forget-boot] RECORD_OR_DIR...\n";

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "--help") {
        std::cout << kUsage
                  << "Checks that every piece a resume record lists is in DEST_DIR/NAME.part with its hash.\n"
                     "A directory stands for its *.resume files (DATA/users/USER/downloads).\n"
                     "  --forget-boot  instead rewrite each record as written before a restart of the\n"
                     "                 machine, so that the node reads its pieces back before trusting them;\n"
                     "                 given DATA/users/USER, also its downloads/ and every file it shares, as\n"
                     "                 downloads finished before the restart (read back at the next login)\n";
        return 0;
    }
    const bool forget = !args.empty() && args[0] == "--forget-boot";
    if (forget) args.erase(args.begin());
    if (args.empty() || args[0].starts_with("--")) {
        std::cerr << (args.empty() ? "" : "error: unknown option " + args[0] + "\n") << kUsage;
        return 2;
    }
    bool ok = true;
    for (const auto& a : args) {
        std::error_code ec;
        const bool user_dir = forget && fs::is_directory(fs::path(a) / "downloads", ec);
        for (const auto& r : records_at(user_dir ? fs::path(a) / "downloads" : fs::path(a), ok)) {
            ok &= forget ? forget_boot(r) : check_file(r);
        }
        if (user_dir) ok &= forget_share_boots(a);
    }
    return ok ? 0 : 1;
}
