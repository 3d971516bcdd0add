#pragma once
// Free TCP ports on 127.0.0.1, asked of the kernel (bind to port 0). All the
// sockets are held open until every port is known, so the ports differ; they
// are closed before returning, so a rare race with another program remains.
#include <cstdint>
#include <vector>

namespace bench {

std::vector<uint16_t> pick_free_loopback_ports(std::size_t count);  // throws SetupError

}  // namespace bench
