#pragma once
// Small files the tracker keeps beside its journal (the ticket key, its
// replication role): replaced whole or not at all.
#include <cstddef>
#include <filesystem>
#include <string>

namespace p2p::tracker {

// Writes DIR/NAME.tmp (mode 0600), fsyncs it, renames it over DIR/NAME and
// fsyncs DIR: a crash leaves the old file or the new one, never a torn one.
// Throws std::system_error naming the path.
void write_small_file_durably(const std::filesystem::path& dir, const std::string& name, const std::string& bytes);

// At most max_bytes of the file (a small file that is bigger is wrong anyway).
std::string read_small_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace p2p::tracker
