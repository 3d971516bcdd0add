#pragma once
// WORK/tracker_info.txt, the list every tracker and node is started with.

#include <filesystem>
#include <vector>

#include "port_book.hpp"

namespace scenario {

// One line per tracker, in order: "127.0.0.1:PORT pub=PUBPORT repl=REPLPORT key=KEY".
// Throws std::system_error when it cannot be written.
void write_tracker_info(const std::filesystem::path& path, const std::vector<ProcessPorts>& trackers);

}  // namespace scenario
