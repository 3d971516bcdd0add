#pragma once
// The file steps: make a random test file, compare two files by SHA-256,
// require a path to exist or not. Failures throw StepFailure.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "random_bytes.hpp"

namespace scenario {

void make_random_file(const std::filesystem::path& path, std::uint64_t size, RandomEngine& engine);

// Lower-case hex digest, or nothing if the file cannot be read.
std::optional<std::string> sha256_of_file(const std::filesystem::path& path);

void require_same_sha256(const std::filesystem::path& first, const std::filesystem::path& second);
void require_exists(const std::filesystem::path& path);
void require_absent(const std::filesystem::path& path);

}  // namespace scenario
