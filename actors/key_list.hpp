#pragma once
// Lists of CURVE public keys an operator writes by hand (DATA/monitor_keys:
// who may read a process's events). One key per line, optionally as
// "key=Z85"; a '#' at the start of a word starts a comment (Z85 has '#', but
// never as a key's first character); blank lines are skipped.
#include <filesystem>
#include <string>
#include <vector>

namespace p2p::actors {

struct KeyList {
    std::vector<std::string> keys;       // Z85 public keys
    std::vector<std::string> bad_lines;  // "line N: reason", for a warning at start
};

KeyList parse_key_list(const std::string& text);
// At most the first 64 KiB of `file`; a missing file lists no key. Throws
// std::runtime_error when it exists and cannot be read.
KeyList read_key_list(const std::filesystem::path& file);

// Whether `key` is one of `fixed` or listed in `file` now (read at each
// call, so an operator adds a key without a restart; an unreadable file
// admits nobody new). What the operator-only ZAP policies ask.
bool key_admitted(const std::string& key, const std::vector<std::string>& fixed, const std::filesystem::path& file);

}  // namespace p2p::actors
