#pragma once
// The `garbage NAME` step: everything hostile the runner knows, sent to
// every port the process listens on. Bounded: about 2-3 s in all.

#include <cstdint>
#include <optional>

#include "garbage_tally.hpp"
#include "random_bytes.hpp"

namespace scenario {

struct GarbageTarget {
  std::uint16_t port = 0;                 // raw TCP noise + malformed DEALER messages
  std::optional<std::uint16_t> pub_port;  // raw TCP noise + subscription abuse
  std::optional<std::uint16_t> repl_port; // raw TCP noise + malformed DEALER messages
  std::string key;                        // its CURVE public key: garbage from authenticated clients
};

GarbageTally send_garbage(const GarbageTarget& target, RandomEngine& engine);

}  // namespace scenario
