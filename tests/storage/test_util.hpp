#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tracker/storage/journal.hpp"

namespace p2p::storage::test {

namespace fs = std::filesystem;

// A fresh directory per test, so tests can run in parallel (ctest -j) and
// nothing leaks between them.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "p2p_storage_XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    fs::path journal() const { return path_ / kJournalFile; }
    fs::path snapshot() const { return path_ / kSnapshotFile; }

private:
    fs::path path_;
};

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("write_file failed: " + p.string());
}

inline std::string random_bytes(std::mt19937_64& rng, size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

// Deterministic records of assorted sizes (including empty and NUL-laden),
// with gaps in seq so nothing relies on seqs being consecutive.
inline std::vector<Record> make_records(size_t n, uint64_t first_seq = 1, uint64_t seed = 42) {
    std::mt19937_64 rng(seed);
    std::vector<Record> out;
    uint64_t seq = first_seq;
    for (size_t i = 0; i < n; ++i) {
        size_t len = (i % 7 == 0) ? 0 : rng() % 300;
        if (i % 101 == 5) len = 5000 + rng() % 5000;
        out.push_back({seq, random_bytes(rng, len)});
        seq += 1 + rng() % 3;
    }
    return out;
}

// Size of a record on disk: len + crc + seq + payload.
inline uint64_t encoded_size(const Record& r) { return 16 + r.payload.size(); }

inline void append_all(const fs::path& journal, const std::vector<Record>& recs) {
    auto w = JournalWriter::open(journal);
    for (const auto& r : recs) w.append(r.seq, r.payload);
    w.sync();
}

}  // namespace p2p::storage::test
