#pragma once

#include <string_view>

namespace scenario {

// `scenario --help`: the command line and the whole .scn syntax.
std::string_view usage_text();

}  // namespace scenario
