#pragma once
// decode_command's checks, shared by the command and journal targets: a
// journal payload that decodes must encode back to a payload that decodes
// to the same command, or a snapshot-less restart would replay another one.
#include "fuzz_support.hpp"
#include "tracker/core/commands.hpp"

namespace fuzz {

inline void check_command(std::string_view payload) {
    auto command = p2p::tracker::decode_command(payload);
    if (!command) return;
    const std::string once = p2p::tracker::encode_command(*command);
    auto again = p2p::tracker::decode_command(once);
    FUZZ_CHECK(again.ok(), "re-encoded command does not decode: " + again.error());
    FUZZ_CHECK(again->index() == command->index(), "re-encoded command changed its kind");
    FUZZ_CHECK(p2p::tracker::encode_command(*again) == once, "decode(encode(command)) differs");
}

}  // namespace fuzz
