#include "random_bytes.hpp"

#include <cstring>

namespace scenario {

RandomEngine seeded_random_engine() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device()};
  return RandomEngine(seed);
}

void fill_random(RandomEngine& engine, char* data, std::size_t size) {
  std::size_t at = 0;
  while (at < size) {
    const std::uint64_t word = engine();
    const std::size_t take = std::min(sizeof word, size - at);
    std::memcpy(data + at, &word, take);
    at += take;
  }
}

std::string random_string(RandomEngine& engine, std::size_t size) {
  std::string bytes(size, '\0');
  fill_random(engine, bytes.data(), size);
  return bytes;
}

}  // namespace scenario
