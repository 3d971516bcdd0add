#include "work_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace scenario {

std::filesystem::path create_work_dir(const std::optional<std::filesystem::path>& requested) {
  if (!requested) {
    std::string pattern = "/tmp/p2pscn.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a work dir in /tmp: " + std::string(std::strerror(errno)));
    }
    return pattern;
  }
  const std::filesystem::path dir = std::filesystem::absolute(*requested);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw std::runtime_error("cannot create work dir " + dir.string() + ": " + error.message());
  if (!std::filesystem::is_empty(dir, error) || error) {
    throw std::runtime_error("work dir " + dir.string() + " is not empty (remove it, or choose another)");
  }
  return dir;
}

void remove_work_dir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::remove_all(dir, error);
}

}  // namespace scenario
