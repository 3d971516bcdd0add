#pragma once
// Hostile bytes over plain TCP: random noise, absurd length prefixes, and
// ZMTP greetings that go wrong halfway, each on its own connection.

#include <cstdint>
#include <string>
#include <vector>

#include "garbage_tally.hpp"
#include "random_bytes.hpp"

namespace scenario {

struct RawPayload {
  std::string bytes;
  bool reset_on_close = false;  // SO_LINGER 0: the peer sees RST instead of FIN
};

std::vector<RawPayload> hostile_tcp_payloads(RandomEngine& engine);

// One connection to 127.0.0.1:port per payload, each bounded by short
// timeouts. A peer that hangs up early is fine (that is a correct answer to
// garbage); a refused connection is a problem: nothing was tested.
void send_raw_tcp_garbage(std::uint16_t port, const std::vector<RawPayload>& payloads, GarbageTally& tally);

}  // namespace scenario
