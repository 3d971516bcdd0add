#include "script_parser.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "script_checks.hpp"
#include "script_tokens.hpp"

namespace scenario {
namespace {

// Thrown while parsing one line; becomes "FILE:LINE: error: <what>".
class LineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool is_process_name(std::string_view name) {
  static const std::regex valid(R"([A-Za-z0-9_][A-Za-z0-9_.-]*)");
  return std::regex_match(name.begin(), name.end(), valid);
}

bool is_tracker_name(std::string_view name) {
  static const std::regex tracker(R"(t[0-9]+)");
  return std::regex_match(name.begin(), name.end(), tracker);
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

void require_valid_regex(const std::string& pattern) {
  if (pattern.empty()) throw LineError("empty regex");
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

Step parse_step(std::string_view line, int line_number) {
  Step step;
  step.line = line_number;
  step.source = std::string(line);
  // NAME> / NAME? / NAME?? / NAME! are told apart from keywords by the
  // operator glued to the first word.
  static const std::regex process_step(R"(^([A-Za-z0-9_][A-Za-z0-9_.-]*)(\?\?|\?|!|>)(.*)$)");
  std::smatch match;
  const std::string owned(line);
  if (std::regex_match(owned, match, process_step)) {
    parse_process_step(step, match[1].str(), match[2].str(), match[3].str());
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
