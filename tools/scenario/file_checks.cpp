#include "file_checks.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <openssl/evp.h>
#include <vector>

#include "step_outcome.hpp"

namespace scenario {
namespace {

constexpr std::size_t chunk_size = 1 << 20;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

struct DigestContextFreer {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < size; ++i) {
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0xf];
  }
  return text;
}

bool path_exists(const std::filesystem::path& path) {
  std::error_code error;
  // symlink_status: a dangling link still "exists" as far as a test cares.
  return std::filesystem::exists(std::filesystem::symlink_status(path, error));
}

}  // namespace

void make_random_file(const std::filesystem::path& path, std::uint64_t size, RandomEngine& engine) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  FileHandle file(std::fopen(path.c_str(), "wbe"));
  if (!file) throw StepFailure("cannot create " + path.string() + ": " + std::strerror(errno));
  std::vector<char> chunk(chunk_size);
  for (std::uint64_t left = size; left > 0;) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
    fill_random(engine, chunk.data(), take);
    if (std::fwrite(chunk.data(), 1, take, file.get()) != take) {
      throw StepFailure("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    left -= take;
  }
  if (std::fclose(file.release()) != 0) throw StepFailure("cannot write " + path.string() + ": " + std::strerror(errno));
}

std::optional<std::string> sha256_of_file(const std::filesystem::path& path) {
  FileHandle file(std::fopen(path.c_str(), "rbe"));
  if (!file) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, DigestContextFreer> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::vector<char> chunk(chunk_size);
  for (;;) {
    const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (got > 0 && EVP_DigestUpdate(context.get(), chunk.data(), got) != 1) return std::nullopt;
    if (got < chunk.size()) break;
  }
  if (std::ferror(file.get())) return std::nullopt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &digest_size) != 1) return std::nullopt;
  return hex(digest, digest_size);
}

void require_same_sha256(const std::filesystem::path& first, const std::filesystem::path& second) {
  require_exists(first);
  require_exists(second);
  const auto first_digest = sha256_of_file(first);
  if (!first_digest) throw StepFailure("cannot read " + first.string());
  const auto second_digest = sha256_of_file(second);
  if (!second_digest) throw StepFailure("cannot read " + second.string());
  if (*first_digest == *second_digest) return;
  std::error_code error;
  throw StepFailure("SHA-256 differs: " + first.string() + " (" +
                    std::to_string(std::filesystem::file_size(first, error)) + " bytes) " + *first_digest + ", " +
                    second.string() + " (" + std::to_string(std::filesystem::file_size(second, error)) + " bytes) " +
                    *second_digest);
}

void require_exists(const std::filesystem::path& path) {
  if (!path_exists(path)) throw StepFailure(path.string() + " does not exist");
}

void require_absent(const std::filesystem::path& path) {
  if (path_exists(path)) throw StepFailure(path.string() + " exists");
}

}  // namespace scenario
