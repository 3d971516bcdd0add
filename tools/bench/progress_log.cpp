#include "progress_log.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <zmq_addon.hpp>

#include "messages/envelope.hpp"
#include "messages/process_events.hpp"

namespace bench {

namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

ProgressLog::ProgressLog(std::map<std::string, std::string> endpoints)
    : endpoints_(std::move(endpoints)), thread_([this] { run(); }) {
    // Downloads must not start before we listen: PUB keeps nothing for a
    // subscriber that comes late.
    const auto until = SteadyClock::now() + std::chrono::seconds(5);
    while (connected_.load() < static_cast<int>(endpoints_.size()) && SteadyClock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // The subscription itself travels after the handshake.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

ProgressLog::~ProgressLog() { stop(); }

void ProgressLog::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void ProgressLog::run() {
    zmq::context_t ctx;
    std::vector<std::pair<std::string, std::unique_ptr<zmq::socket_t>>> subs;
    std::vector<std::unique_ptr<zmq::socket_t>> monitors;
    for (const auto& [name, endpoint] : endpoints_) {
        auto sub = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::sub);
        sub->set(zmq::sockopt::linger, 0);
        sub->set(zmq::sockopt::subscribe, "download.");
        const std::string addr = "inproc://progress-monitor." + std::to_string(subs.size());
        zmq_socket_monitor(sub->handle(), addr.c_str(), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
        auto mon = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pair);
        mon->set(zmq::sockopt::linger, 0);
        mon->connect(addr);
        sub->connect(endpoint);
        subs.emplace_back(name, std::move(sub));
        monitors.push_back(std::move(mon));
    }
    const auto start = SteadyClock::now();
    std::vector<zmq::pollitem_t> items;
    for (auto& [name, s] : subs) items.push_back({s->handle(), 0, ZMQ_POLLIN, 0});
    for (auto& m : monitors) items.push_back({m->handle(), 0, ZMQ_POLLIN, 0});
    while (!stop_) {
        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(100));
        for (std::size_t i = 0; i < subs.size(); ++i) {
            zmq::multipart_t m;
            while (m.recv(*subs[i].second, static_cast<int>(zmq::recv_flags::dontwait))) {
                auto env = m.size() == 2 ? p2p::decode_envelope(m[1].to_string_view())
                                         : p2p::Result<p2p::Envelope>(p2p::fail("not [topic][event]"));
                if (env && env->kind() == p2p::Kind::ProcessEvent) {
                    if (auto e = env->as<p2p::msg::ProcessEvent>()) {
                        const double t = std::chrono::duration<double>(SteadyClock::now() - start).count();
                        points_.push_back({t, subs[i].first, e->pieces_done, e->pieces_total, e->rate, e->sources});
                    }
                }
                m.clear();
            }
        }
        for (auto& mon : monitors) {
            zmq::multipart_t m;
            while (m.recv(*mon, static_cast<int>(zmq::recv_flags::dontwait))) {
                ++connected_;
                m.clear();
            }
        }
    }
    for (auto& [name, s] : subs) zmq_socket_monitor(s->handle(), nullptr, 0);
}

void write_progress_csv(const std::vector<ProgressPoint>& points, const std::filesystem::path& csv) {
    std::ofstream out(csv);
    out << "seconds,node,pieces_done,pieces_total,percent,rate_bytes_per_s,sources\n";
    for (const auto& p : points) {
        char line[256];
        std::snprintf(line, sizeof line, "%.3f,%s,%llu,%llu,%.2f,%llu,%u\n", p.seconds, p.node.c_str(),
                      static_cast<unsigned long long>(p.pieces_done), static_cast<unsigned long long>(p.pieces_total),
                      p.pieces_total ? 100.0 * static_cast<double>(p.pieces_done) / static_cast<double>(p.pieces_total) : 0.0,
                      static_cast<unsigned long long>(p.rate), p.sources);
        out << line;
    }
}

std::string plot_progress(const std::filesystem::path& csv, const std::filesystem::path& png,
                          const std::vector<std::string>& nodes, const std::string& title) {
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
        return "gnuplot not installed (Debian: gnuplot-nox)";
    }
    const auto script = csv.string() + ".gp";
    {
        std::ofstream gp(script);
        std::string names;
        for (const auto& n : nodes) names += (names.empty() ? "" : " ") + n;
        std::string quoted;  // a gnuplot '...' string doubles its quotes
        for (char c : title) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        gp << "set terminal pngcairo size 900,500 noenhanced\n"
           << "set output '" << png.string() << "'\n"
           << "set datafile separator ','\n"
           << "set title '" << quoted << "'\n"
           << "set xlabel 'seconds since download_file'\n"
           << "set ylabel 'percent of the file verified'\n"
           << "set yrange [0:105]\nset key bottom right\nset grid\n"
           // One data stream per node, so each one's points join into a line.
           << "plot for [n in '" << names << "'] '< grep ,'.n.', " << csv.string()
           << "' using 1:5 with linespoints title n\n";
    }
    const std::string cmd = "gnuplot '" + script + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) return "gnuplot failed on " + script;
    return {};
}

}  // namespace bench
