#pragma once
// What a garbage run did, for the step's verdict and the verbose log.

#include <cstddef>
#include <string>
#include <vector>

namespace scenario {

struct GarbageTally {
  int connections = 0;                // raw TCP connections made and ZeroMQ sockets used
  std::size_t bytes_sent = 0;         // raw TCP bytes accepted by the kernel
  int messages_sent = 0;              // ZeroMQ messages queued
  int replies_received = 0;           // ZeroMQ replies the target sent back
  std::vector<std::string> problems;  // what could not be sent at all
};

}  // namespace scenario
