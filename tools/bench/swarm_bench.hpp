#pragma once
#include <string>
#include <vector>

namespace bench {

// bench swarm: one seeder and N leechers, each in a network namespace of its
// own with a tbf cap on its upload; the time until the last leecher has the
// file, against the fluid-model minimum D_min.
int swarm_main(const std::vector<std::string>& args);

}  // namespace bench
