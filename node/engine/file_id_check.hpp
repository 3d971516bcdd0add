#pragma once
// The whole-file id re-check at the end of a download whose pieces this
// process all hashed in memory and wrote from those same bytes. A pure
// function of what the engine knows, so that every refusal is unit-tested
// (tests/unit/test_file_id_check.cpp).
#include <cstdint>
#include <string>

#include "messages/file_meta.hpp"

namespace p2p::node {

// Empty when the file is what the tracker described: every piece verified,
// SHA-256 over the piece hashes equal to the file id the tracker named, and
// the file on disk exactly the file's size. Else the reason.
std::string file_id_check(const files::FileMeta& meta, bool all_pieces_verified, uint64_t size_on_disk);

}  // namespace p2p::node
