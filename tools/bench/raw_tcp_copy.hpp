#pragma once
// The references every transfer figure is divided by: the same file copied
// over one loopback TCP connection (sendfile(2) at the sender) and written
// to disk, with no protocol.
#include <filesystem>
#include <string>
#include <vector>

namespace bench {

// recv + write, no hashing: what the machine can do at best. Returns wall
// seconds. Throws SetupError.
double raw_tcp_copy(const std::filesystem::path& src, const std::filesystem::path& dst);

// The least a verified download must do: recv each piece, SHA-256 it on one
// of two worker threads, compare with piece_hashes (32 raw bytes each) and
// pwrite it. Its wall time is the floor for a verified transfer on this
// machine. Returns wall seconds; throws SetupError, also for a piece whose
// hash differs.
double verified_tcp_copy(const std::filesystem::path& src, const std::filesystem::path& dst,
                         const std::vector<std::string>& piece_hashes, uint32_t piece_size);

}  // namespace bench
