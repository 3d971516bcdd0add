#pragma once
// Limits applied to everything that arrives from another process. A message
// that breaks one is refused whole; nothing past a limit is ever allocated.
#include <cstddef>
#include <cstdint>

namespace p2p::limits {

// ZMQ_MAXMSGSIZE for control-plane sockets: libzmq drops the connection of a
// peer that sends a bigger frame before we ever see it.
inline constexpr int64_t kControlFrameBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxString = 1 << 20;
// A bin decodes into the same std::string as a str, which we encode as a str
// when we pass it on (the journal, replies to other nodes). A larger bin
// limit let in strings that we could then not read back ourselves.
inline constexpr std::size_t kMaxBin = kMaxString;
inline constexpr std::size_t kMaxArray = 1 << 20;
inline constexpr std::size_t kMaxMap = 256;
inline constexpr std::size_t kMaxDepth = 8;
inline constexpr std::size_t kMaxExt = 0;

inline constexpr std::size_t kMaxNameLength = 64;
inline constexpr std::size_t kMaxPasswordBytes = 256;

}  // namespace p2p::limits
