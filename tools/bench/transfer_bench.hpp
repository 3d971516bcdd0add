#pragma once
#include <string>
#include <vector>

namespace bench {

// bench transfer: one file through p2pshare on loopback, 1->1, 3->1 and
// 1->3, against a raw TCP copy of the same file measured in the same run.
int transfer_main(const std::vector<std::string>& args);

}  // namespace bench
