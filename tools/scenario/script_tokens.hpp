#pragma once
// Lexical helpers shared by the script parser and the step runner.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scenario {

std::string_view trim(std::string_view text);

// Splits on blanks. '...' keeps its content verbatim and "..." also honours
// \" and \\, so that one word can hold blanks (e.g. `sh -c 'echo a b'`).
// Empty result on an unbalanced quote.
std::optional<std::vector<std::string>> split_words(std::string_view text);

// "2", "0.5", "1.5s": non-negative seconds, at most a day.
std::optional<double> parse_seconds(std::string_view text);

// "100", "4K", "3M", "1G" (binary multiples, either case).
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// Shortest readable form: 10 -> "10", 0.5 -> "0.5".
std::string format_seconds(double seconds);

}  // namespace scenario
