// hash_speed FILE [THREADS...] — times hash_file on FILE once per thread
// count (default 1 and 2), after one untimed pass that pulls the file into
// the page cache, so the numbers measure hashing rather than the disk.
//
// Next to each result it prints two yardsticks measured in the same run:
// SHA-256 over a buffer already in memory (the ceiling), and the same piece
// loop reading through mmap instead of pread. Besides wall-clock GB/s it
// prints GB per CPU-second, which stays meaningful on a busy machine.
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "node/files/piece_hasher.hpp"
#include "messages/sha256.hpp"

namespace {

using p2p::files::kPieceSize;

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const auto sec = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

struct Speed {
    double wall_gbps = 0;
    double cpu_gbps = 0;
};

// Best of three runs of fn, which hashes `bytes` bytes.
Speed measure(uint64_t bytes, const std::function<void()>& fn) {
    Speed best;
    for (int run = 0; run < 3; ++run) {
        const double c0 = cpu_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - t0;
        const double cpu = cpu_seconds() - c0;
        best.wall_gbps = std::max(best.wall_gbps, double(bytes) / wall.count() / 1e9);
        best.cpu_gbps = std::max(best.cpu_gbps, double(bytes) / cpu / 1e9);
    }
    return best;
}

// Runs body(w) on `threads` threads, w = 0..threads-1.
void parallel(unsigned threads, const std::function<void(unsigned)>& body) {
    std::vector<std::jthread> ts;
    for (unsigned w = 1; w < threads; ++w) ts.emplace_back(body, w);
    body(0);
}

void print(const char* what, unsigned threads, Speed s) {
    std::printf("  %-28s %u thread(s): %5.2f GB/s wall, %5.2f GB per CPU-second\n", what, threads,
                s.wall_gbps, s.cpu_gbps);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: hash_speed FILE [THREADS...]\n");
        return 2;
    }
    std::vector<unsigned> counts;
    for (int i = 2; i < argc; ++i) counts.push_back(static_cast<unsigned>(std::atoi(argv[i])));
    if (counts.empty()) counts = {1, 2};

    auto warm = p2p::files::hash_file(argv[1], kPieceSize, 2);
    if (!warm) {
        std::fprintf(stderr, "error: %s\n", warm.error().c_str());
        return 1;
    }
    const uint64_t size = warm->size;
    const uint64_t pieces = warm->piece_hashes.size();
    std::printf("%s: %llu bytes, %llu pieces, file id %s\n", argv[1],
                static_cast<unsigned long long>(size), static_cast<unsigned long long>(pieces),
                p2p::files::to_hex(warm->file_id).c_str());

    const int fd = ::open(argv[1], O_RDONLY);
    void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0) : nullptr;
    if (map == MAP_FAILED) {
        std::perror("mmap");
        return 1;
    }
    const std::string memory_piece(kPieceSize, 'x');

    for (unsigned threads : counts) {
        bool same = true;
        print("hash_file (pread)", threads, measure(size, [&] {
                  auto meta = p2p::files::hash_file(argv[1], kPieceSize, threads);
                  same = same && meta && meta->file_id == warm->file_id;
              }));
        print("same loop over mmap", threads, measure(size, [&] {
                  std::vector<std::string> hashes(pieces);
                  parallel(threads, [&](unsigned w) {
                      p2p::files::Sha256 h;
                      for (uint64_t i = w; i < pieces; i += threads) {
                          const uint64_t at = i * kPieceSize;
                          h.update(static_cast<const char*>(map) + at,
                                   std::min<uint64_t>(kPieceSize, size - at));
                          hashes[i] = h.finish();
                      }
                  });
                  same = same && p2p::files::file_id_of(hashes) == warm->file_id;
              }));
        print("SHA-256 of memory (ceiling)", threads, measure(size, [&] {
                  parallel(threads, [&](unsigned w) {
                      p2p::files::Sha256 h;
                      for (uint64_t i = w; i < pieces; i += threads) {
                          h.update(memory_piece);
                          (void)h.finish();
                      }
                  });
              }));
        if (!same) {
            std::fprintf(stderr, "error: a run produced a different file id\n");
            return 1;
        }
    }
    if (map != nullptr) ::munmap(map, size);
    ::close(fd);
    return 0;
}
