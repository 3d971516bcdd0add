#pragma once
// Hostile input that only a real ZeroMQ peer can deliver: well-framed
// messages whose content is wrong (frame counts, sizes, msgpack bombs), and
// subscription abuse on a PUB port.

#include <cstdint>
#include <string>

#include "garbage_tally.hpp"
#include "random_bytes.hpp"

namespace scenario {

// One fresh DEALER per malformed message, so that a target which drops a
// misbehaving connection still receives the next one. Returns after about a
// second of draining replies; every socket closes with linger 0.
// With the target's CURVE key (server_key not empty) each DEALER is a
// properly authenticated client with a throwaway key pair, so the garbage
// reaches the application's decoders instead of dying in the handshake.
void send_dealer_garbage(std::uint16_t port, const std::string& server_key, RandomEngine& engine,
                         GarbageTally& tally);

// A SUB that subscribes to a 64 KiB topic and to hundreds of random ones.
void send_subscription_garbage(std::uint16_t pub_port, const std::string& server_key, RandomEngine& engine,
                               GarbageTally& tally);

}  // namespace scenario
