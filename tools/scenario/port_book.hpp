#pragma once
// Which loopback ports belong to which process name. A node keeps its port
// across restarts, so ports are recorded by name, not by running process.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace scenario {

struct ProcessPorts {
  std::uint16_t port = 0;                 // where it serves (tracker ROUTER, node pieces)
  std::optional<std::uint16_t> pub_port;  // trackers only: their PUB socket
  std::optional<std::uint16_t> repl_port; // trackers only: where trackers replicate
  std::string key;                        // trackers only: CURVE public key (Z85) for key=
};

class PortBook {
 public:
  void assign(const std::string& name, ProcessPorts ports) { ports_[name] = ports; }
  const ProcessPorts* find(std::string_view name) const {
    const auto found = ports_.find(name);
    return found == ports_.end() ? nullptr : &found->second;
  }

 private:
  std::map<std::string, ProcessPorts, std::less<>> ports_;
};

// Asks the kernel for a free port by binding port 0 on 127.0.0.1 and closing
// again. Remembers what it handed out so that two processes of one run never
// get the same port even if the kernel offers it twice.
class LoopbackPortPicker {
 public:
  std::uint16_t pick();  // throws std::system_error

 private:
  std::set<std::uint16_t> handed_out_;
};

}  // namespace scenario
