#include "tracker_info_file.hpp"

#include <cerrno>
#include <fstream>
#include <system_error>

namespace scenario {

void write_tracker_info(const std::filesystem::path& path, const std::vector<ProcessPorts>& trackers) {
  std::ofstream file(path, std::ios::trunc);
  file << "# Written by the scenario runner: tracker K is the K-th line below.\n";
  for (const ProcessPorts& tracker : trackers) {
    file << "127.0.0.1:" << tracker.port << " pub=" << tracker.pub_port.value_or(0)
         << " repl=" << tracker.repl_port.value_or(0) << " key=" << tracker.key << "\n";
  }
  file.close();
  if (!file) throw std::system_error(errno, std::generic_category(), "writing " + path.string());
}

}  // namespace scenario
