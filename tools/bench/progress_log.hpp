#pragma once
// Each downloader's progress over time in a swarm case, from the nodes'
// --events ports (ProcessEvent download_*: about one a second each), as a
// CSV and, when gnuplot is installed, a PNG of percent done against time.
#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace bench {

struct ProgressPoint {
    double seconds = 0;  // since start()
    std::string node;
    uint64_t pieces_done = 0;
    uint64_t pieces_total = 0;
    uint64_t rate = 0;   // bytes/s
    uint32_t sources = 0;
};

class ProgressLog {
public:
    // node name -> its --events endpoint (ipc://..., plain). Connects and
    // returns once every subscription is up (or after 5 s).
    explicit ProgressLog(std::map<std::string, std::string> endpoints);
    ~ProgressLog();
    // Stops listening; what came in is in points().
    void stop();
    const std::vector<ProgressPoint>& points() const { return points_; }

private:
    void run();
    std::map<std::string, std::string> endpoints_;
    std::vector<ProgressPoint> points_;  // written by the thread until stop()
    std::atomic<bool> stop_{false};
    std::atomic<int> connected_{0};
    std::thread thread_;
};

// seconds,node,pieces_done,pieces_total,percent,rate_bytes_per_s,sources
void write_progress_csv(const std::vector<ProgressPoint>& points, const std::filesystem::path& csv);

// Runs gnuplot (when on PATH) to draw csv as png; "" when done, else why not.
std::string plot_progress(const std::filesystem::path& csv, const std::filesystem::path& png,
                          const std::vector<std::string>& nodes, const std::string& title);

}  // namespace bench
