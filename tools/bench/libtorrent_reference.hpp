#pragma once
// The libtorrent column of `bench transfer`: runs libtorrent_ref.py (next to
// the bench binary, copied there by the build) with a python3 that can
// import libtorrent, and reads its figures. Without one, says why.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bench {

struct LibtorrentCase {
    std::string name;  // "libtorrent 1->1"
    double seconds = 0;
    uint64_t vmhwm_kib = 0;      // includes the downloaded file's mapped pages
    uint64_t anon_peak_kib = 0;  // anonymous memory, sampled every 50 ms
};

struct LibtorrentRun {
    std::string version;  // "libtorrent 2.0.8.0"; empty when not run
    std::string skipped;  // why there are no cases (no python3, no module, a failure)
    std::vector<LibtorrentCase> cases;
};

// Seeds `file` (1 and 3 seeding sessions) and downloads it once per case,
// on 127.0.0.1, in `work`.
LibtorrentRun run_libtorrent_reference(const std::filesystem::path& bin_dir, const std::filesystem::path& file,
                                       const std::filesystem::path& work);

}  // namespace bench
