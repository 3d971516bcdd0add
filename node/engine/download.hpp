#pragma once
// One download's state, owned by the transfer engine: the piece picker, the
// sources with their request windows, the .part file, progress counters.
// The engine does the socket I/O; this class decides.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "messages/file_meta.hpp"
#include "messages/file_protocol.hpp"
#include "node/transfer/piece_picker.hpp"

namespace p2p::node {

using SteadyClock = std::chrono::steady_clock;

struct SourceState {
    uint32_t id = 0;  // PeerId in the picker, and the key of the engine's socket
    std::string endpoint;
    std::string user;
    bool complete = false;
    bool known = false;           // its bitfield has arrived
    std::map<uint32_t, SteadyClock::time_point> in_flight;  // piece -> deadline
    SteadyClock::time_point next_have_poll{};
    int timeouts = 0;
};

// Proving: reading back pieces a resume record from an earlier boot lists,
// before any is trusted or served (piece_workers.hpp, stage Prove).
enum class DownloadPhase { Proving, Fetching, Checking, Done, Failed };

struct Download {
    uint32_t id = 0;
    std::string group;
    files::FileMeta meta;
    std::string dest_dir;
    std::string part_path;
    std::string final_path;
    std::string resume_path;
    int fd = -1;
    msg::Ticket ticket;
    transfer::PiecePicker picker;
    std::map<uint32_t, SourceState> sources;   // by source id
    std::map<std::string, std::string> banned;  // endpoint -> why (bad pieces)
    std::map<std::string, SteadyClock::time_point> cooling;  // endpoint -> until (stopped answering)
    DownloadPhase phase = DownloadPhase::Fetching;
    std::string problem;  // why it is not moving / why it failed
    std::string tracker_code;  // the last source-list request failed with this Error; empty after one succeeds
    std::string tracker_text;
    uint64_t pieces_fetched = 0;   // this run, excluding resumed ones
    uint64_t resumed_pieces = 0;   // trusted from the record, or proven on disk
    // Proving: listed pieces not yet sent to the workers (those sent are in
    // at_workers), and how many failed (fetched again).
    std::vector<uint32_t> to_prove;
    uint64_t prove_damaged = 0;
    std::vector<msg::Source> sources_after_proving;
    uint64_t bytes_done_at_start = 0;
    SteadyClock::time_point started = SteadyClock::now();
    SteadyClock::time_point finished{};
    SteadyClock::time_point fetched_at{};  // all pieces stored, before the whole-file check
    SteadyClock::time_point last_resume_save = SteadyClock::now();
    bool resume_dirty = false;
    int reported_quarter = 0;
    // Pieces handed to the workers and not yet reported back: a second copy
    // of one (an endgame duplicate) is not written twice, and the whole-file
    // check waits until none is left, so nothing writes while it reads.
    std::set<uint32_t> at_workers;
    bool check_pending = false;
    // Rate over a sliding window of (time, bytes stored).
    std::vector<std::pair<SteadyClock::time_point, uint64_t>> rate_samples;

    explicit Download(std::size_t pieces) : picker(pieces) {}
    std::size_t requests_in_flight() const;  // over all sources
    uint64_t bytes_have() const;
    // Pieces the resume record listed, once Proving has begun.
    uint64_t pieces_listed() const { return resumed_pieces + prove_damaged + to_prove.size() + at_workers.size(); }
    double rate_bytes_per_s(SteadyClock::time_point now) const;
    std::string status_line(SteadyClock::time_point now) const;
};

}  // namespace p2p::node
