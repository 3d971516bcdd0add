#pragma once
// libstdc++'s std::regex recurses at least once per character of the line
// it searches: on a long line with a pattern like /(a|b)*c/ it overflows
// the default 8 MiB stack (at ~16 KiB of line; ~4 KiB under ASan). The
// runner therefore does its work on a thread with a stack reserved large
// enough for the longest line it keeps (64 KiB). Only touched pages cost
// memory.

#include <cstddef>
#include <functional>

namespace scenario {

inline constexpr std::size_t big_stack_bytes = std::size_t{1} << 30;

// The longest line the runner handles: a process's output is split into
// lines this long, and a script's longer lines are refused.
inline constexpr std::size_t longest_line_bytes = 64 * 1024;

// Runs body on such a thread and returns its result. Falls back to the
// calling thread if the thread cannot be created.
int run_on_big_stack(const std::function<int()>& body);

}  // namespace scenario
