#pragma once
// The reference every transfer figure is divided by: the same file copied
// over one loopback TCP connection with sendfile() and written to disk with
// write(), no hashing, no protocol — what the machine can do at best.
#include <filesystem>

namespace bench {

// Copies src to dst over 127.0.0.1; returns wall seconds. Throws SetupError.
double raw_tcp_copy(const std::filesystem::path& src, const std::filesystem::path& dst);

}  // namespace bench
