#include "script_parser.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "big_stack_thread.hpp"
#include "script_checks.hpp"
#include "script_tokens.hpp"

namespace scenario {
namespace {

// Thrown while parsing one line; becomes "FILE:LINE: error: <what>".
class LineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Plain loops, not std::regex: libstdc++ recurses once per character it
// matches, and a long enough word or line overflowed even the big stack.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || c == '.' || c == '-'; }

// [A-Za-z0-9_][A-Za-z0-9_.-]*
std::size_t process_name_length(std::string_view text) {
  if (text.empty() || !is_name_start(text.front())) return 0;
  std::size_t length = 1;
  while (length < text.size() && is_name_char(text[length])) ++length;
  return length;
}

bool is_process_name(std::string_view name) { return !name.empty() && process_name_length(name) == name.size(); }

bool is_tracker_name(std::string_view name) {
  return name.size() >= 2 && name.front() == 't' && std::all_of(name.begin() + 1, name.end(), is_digit);
}

std::string require_process_name(std::string_view name) {
  if (!is_process_name(name)) throw LineError("bad process name '" + std::string(name) + "'");
  return std::string(name);
}

std::vector<std::string> words_of(std::string_view text) {
  auto words = split_words(text);
  if (!words) throw LineError("unbalanced quote");
  return *words;
}

void require_word_count(const std::vector<std::string>& words, std::size_t count, const char* usage) {
  if (words.size() != count) throw LineError(std::string("expected: ") + usage);
}

double seconds_from(const std::string& word) {
  const auto seconds = parse_seconds(word);
  if (!seconds) throw LineError("bad number of seconds '" + word + "'");
  return *seconds;
}

int positive_count_from(const std::string& word, int maximum) {
  int value = 0;
  try {
    std::size_t used = 0;
    value = std::stoi(word, &used);
    if (used != word.size()) value = 0;
  } catch (const std::exception&) {
    value = 0;
  }
  if (value < 1 || value > maximum) {
    throw LineError("expected a number from 1 to " + std::to_string(maximum) + ", got '" + word + "'");
  }
  return value;
}

// Optional "KEYWORD S" after a step, e.g. "within 5".
double optional_seconds(const std::vector<std::string>& tail, const char* keyword, double fallback) {
  if (tail.empty()) return fallback;
  if (tail.size() != 2 || tail[0] != keyword) {
    throw LineError(std::string("expected nothing or '") + keyword + " S' after the regex");
  }
  return seconds_from(tail[1]);
}

// libstdc++ 12 reads a repeat count ({N}, {N,M}) or a back-reference (\N)
// into a long without checking for overflow (undefined behaviour), then
// narrows it to int: 20 digits overflow, 10 already wrap. Refused before
// std::regex sees them.
void require_small_numbers(std::string_view pattern) {
  constexpr std::size_t max_digits = 9;
  const auto digits_at = [&](std::size_t at) {
    std::size_t end = at;
    while (end < pattern.size() && is_digit(pattern[end])) ++end;
    return end - at;
  };
  const auto require_small = [&](std::size_t at) {
    const std::size_t digits = digits_at(at);
    if (digits > max_digits) {
      throw LineError("bad regex: a repeat count or back-reference has more than " + std::to_string(max_digits) +
                      " digits");
    }
    return digits;
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      require_small(i + 1);
      ++i;  // the escaped character is not an operator
    } else if (pattern[i] == '{') {
      const std::size_t after = i + 1 + require_small(i + 1);
      if (after < pattern.size() && pattern[after] == ',') require_small(after + 1);
    }
  }
}

void require_valid_regex(const std::string& pattern) {
  if (pattern.empty()) throw LineError("empty regex");
  require_small_numbers(pattern);
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    throw LineError("bad regex /" + pattern + "/: " + error.what());
  }
}

// NAME> TEXT, NAME? /RE/ [within S], NAME! /RE/ [within S], NAME?? /RE/ [for S]
void parse_process_step(Step& step, const std::string& name, std::string_view op, std::string_view rest) {
  step.process = name;
  if (op == ">") {
    step.kind = StepKind::type_line;
    step.text = std::string(trim(rest));
    return;
  }
  rest = trim(rest);
  if (rest.empty() || rest.front() != '/') throw LineError("expected /REGEX/ after '" + name + std::string(op) + "'");
  const std::size_t close = rest.rfind('/');
  if (close == 0) throw LineError("missing closing '/' of the regex");
  step.text = std::string(rest.substr(1, close - 1));
  require_valid_regex(step.text);
  const auto tail = words_of(rest.substr(close + 1));
  if (op == "??") {
    step.kind = StepKind::expect_no_line;
    step.seconds = optional_seconds(tail, "for", default_absence_seconds);
  } else {
    step.kind = op == "?" ? StepKind::expect_line : StepKind::expect_error;
    step.seconds = optional_seconds(tail, "within", default_expect_seconds);
  }
}

void parse_start(Step& step, const std::vector<std::string>& words) {
  if (words.size() < 2) throw LineError("expected: start tracker K | start node NAME [ARGS...] | start proc NAME COMMAND...");
  const std::string& what = words[1];
  if (what == "tracker") {
    require_word_count(words, 3, "start tracker K");
    step.kind = StepKind::start_tracker;
    step.count = positive_count_from(words[2], 99);
    step.process = tracker_process_name(step.count);
    return;
  }
  if (what != "node" && what != "proc") throw LineError("expected 'tracker', 'node' or 'proc' after 'start'");
  if (words.size() < 3) throw LineError("expected a process name after 'start " + what + "'");
  step.process = require_process_name(words[2]);
  if (is_tracker_name(step.process)) throw LineError("names t1, t2, ... are kept for trackers");
  step.words.assign(words.begin() + 3, words.end());
  if (what == "node") {
    step.kind = StepKind::start_node;
  } else {
    if (step.words.empty()) throw LineError("expected: start proc NAME COMMAND...");
    step.kind = StepKind::start_program;
  }
}

void parse_keyword_step(Step& step, const std::vector<std::string>& words) {
  const std::string& keyword = words[0];
  const auto one_name = [&](StepKind kind, const char* usage) {
    require_word_count(words, 2, usage);
    step.kind = kind;
    step.process = require_process_name(words[1]);
  };
  if (keyword == "trackers") {
    require_word_count(words, 2, "trackers N");
    step.kind = StepKind::declare_trackers;
    step.count = positive_count_from(words[1], 99);
  } else if (keyword == "start") {
    parse_start(step, words);
  } else if (keyword == "kill") {
    one_name(StepKind::kill_process, "kill NAME");
  } else if (keyword == "stop") {
    one_name(StepKind::stop_process, "stop NAME");
  } else if (keyword == "restart") {
    one_name(StepKind::restart_process, "restart NAME");
  } else if (keyword == "garbage") {
    one_name(StepKind::send_garbage, "garbage NAME");
  } else if (keyword == "wait-exit") {
    if (words.size() != 2 && words.size() != 4) throw LineError("expected: wait-exit NAME [within S]");
    step.kind = StepKind::wait_exit;
    step.process = require_process_name(words[1]);
    step.seconds = optional_seconds(std::vector<std::string>(words.begin() + 2, words.end()), "within", default_wait_exit_seconds);
  } else if (keyword == "sleep") {
    require_word_count(words, 2, "sleep S");
    step.kind = StepKind::sleep;
    step.seconds = seconds_from(words[1]);
  } else if (keyword == "file") {
    require_word_count(words, 3, "file PATH SIZE");
    step.kind = StepKind::make_file;
    step.words = {words[1]};
    const auto bytes = parse_byte_size(words[2]);
    if (!bytes) throw LineError("bad size '" + words[2] + "' (bytes, or a number with K, M or G)");
    step.bytes = *bytes;
  } else if (keyword == "sha256-equal") {
    require_word_count(words, 3, "sha256-equal PATH1 PATH2");
    step.kind = StepKind::sha256_equal;
    step.words = {words[1], words[2]};
  } else if (keyword == "require") {
    if (words.size() != 2 || words[1] != "root") throw LineError("expected: require root");
    step.kind = StepKind::require_root;
  } else if (keyword == "cleanup") {
    if (words.size() < 2) throw LineError("expected: cleanup COMMAND...");
    step.kind = StepKind::add_cleanup;
    step.words.assign(words.begin() + 1, words.end());
  } else if (keyword == "absent" || keyword == "exists") {
    require_word_count(words, 2, keyword == "absent" ? "absent PATH" : "exists PATH");
    step.kind = keyword == "absent" ? StepKind::require_absent : StepKind::require_exists;
    step.words = {words[1]};
  } else {
    throw LineError("unknown step '" + keyword + "' (see scenario --help)");
  }
}

// The operator glued to a process name: "??", "?", "!" or ">"; empty if none.
std::string_view process_operator(std::string_view text) {
  if (text.starts_with("??")) return text.substr(0, 2);
  if (!text.empty() && (text.front() == '?' || text.front() == '!' || text.front() == '>')) return text.substr(0, 1);
  return {};
}

Step parse_step(std::string_view line, int line_number) {
  Step step;
  step.line = line_number;
  step.source = std::string(line);
  // NAME> / NAME? / NAME?? / NAME! are told apart from keywords by the
  // operator glued to the first word.
  const std::size_t name_length = process_name_length(line);
  const std::string_view op = process_operator(line.substr(name_length));
  if (name_length > 0 && !op.empty()) {
    parse_process_step(step, std::string(line.substr(0, name_length)), op, line.substr(name_length + op.size()));
  } else {
    parse_keyword_step(step, words_of(line));
  }
  return step;
}

}  // namespace

ParsedScript parse_script_text(std::string_view text, const std::string& path) {
  ParsedScript parsed;
  parsed.script.path = path;
  std::istringstream lines{std::string(text)};
  std::string raw_line;
  for (int line_number = 1; std::getline(lines, raw_line); ++line_number) {
    // A regex as long as this compiles within the runner's big stack; a
    // longer one might not.
    if (raw_line.size() > longest_line_bytes) {
      parsed.errors.push_back(path + ":" + std::to_string(line_number) + ": error: line is longer than " +
                              std::to_string(longest_line_bytes) + " bytes");
      continue;
    }
    const std::string_view line = trim(raw_line);
    if (line.empty() || line.front() == '#') continue;
    try {
      parsed.script.steps.push_back(parse_step(line, line_number));
    } catch (const LineError& error) {
      parsed.errors.push_back(path + ":" + std::to_string(line_number) + ": error: " + error.what());
    }
  }
  if (parsed.errors.empty()) parsed.errors = check_script(parsed.script);
  return parsed;
}

ParsedScript parse_script_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    ParsedScript parsed;
    parsed.script.path = path;
    parsed.errors.push_back(path + ": error: cannot read the file");
    return parsed;
  }
  std::ostringstream content;
  content << file.rdbuf();
  return parse_script_text(content.str(), path);
}

}  // namespace scenario
