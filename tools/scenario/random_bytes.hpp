#pragma once
// Fast non-cryptographic random bytes for test files and hostile input:
// the point is incompressible, unpredictable-to-the-peer data, not secrecy.

#include <cstddef>
#include <random>
#include <string>

namespace scenario {

using RandomEngine = std::mt19937_64;

RandomEngine seeded_random_engine();
void fill_random(RandomEngine& engine, char* data, std::size_t size);
std::string random_string(RandomEngine& engine, std::size_t size);

}  // namespace scenario
