// The .scn parser (script_parser.hpp) on the inputs fuzz_scenario found
// hurting it. Runs on the test's ordinary stack, smaller than the runner's.
#include <catch2/catch.hpp>

#include "tools/scenario/big_stack_thread.hpp"
#include "tools/scenario/script_parser.hpp"

using namespace scenario;

namespace {

ParsedScript parse(const std::string& text) { return parse_script_text(text, "t.scn"); }

std::string only_error(const std::string& text) {
  const ParsedScript parsed = parse(text);
  REQUIRE(parsed.errors.size() == 1);
  return parsed.errors.front();
}

}  // namespace

TEST_CASE("process steps are split without std::regex, whatever the line's length", "[script_parser]") {
  // std::regex_match recursed once per character of the line: a 200 KB line
  // overflowed an 8 MiB stack, a 20 MB one the runner's 1 GiB stack.
  const std::string text(longest_line_bytes - 20, 'x');
  const ParsedScript parsed = parse("start proc a sh\na> " + text + "\na? /ok/ within 2\na?? /bad/\na! /e/\n");
  REQUIRE(parsed.errors.empty());
  REQUIRE(parsed.script.steps.size() == 5);
  CHECK(parsed.script.steps[1].kind == StepKind::type_line);
  CHECK(parsed.script.steps[1].text == text);
  CHECK(parsed.script.steps[2].kind == StepKind::expect_line);
  CHECK(parsed.script.steps[2].seconds == 2);
  CHECK(parsed.script.steps[3].kind == StepKind::expect_no_line);
  CHECK(parsed.script.steps[4].kind == StepKind::expect_error);
}

TEST_CASE("a line longer than the runner handles is refused, not parsed", "[script_parser]") {
  CHECK(only_error("start proc a sh\na> " + std::string(20 << 20, 'x') + "\n") ==
        "t.scn:2: error: line is longer than 65536 bytes");
  CHECK(only_error("start node " + std::string(longest_line_bytes, 'n') + "\n") ==
        "t.scn:1: error: line is longer than 65536 bytes");
}

TEST_CASE("process names and tracker names", "[script_parser]") {
  CHECK(parse("start node a.b-c_1\n").errors.empty());
  CHECK(parse("start node t\nstart node t1x\n").errors.empty());
  CHECK_THAT(only_error("start node t12\n"), Catch::Contains("kept for trackers"));
  CHECK_THAT(only_error("start node .a\n"), Catch::Contains("bad process name '.a'"));
  CHECK_THAT(only_error("start node a/b\n"), Catch::Contains("bad process name"));
  CHECK_THAT(only_error(".a> hi\n"), Catch::Contains("unknown step '.a>'"));
}

TEST_CASE("a regex's repeat counts and back-references are refused past 9 digits", "[script_parser]") {
  // libstdc++ 12 read them into a long without an overflow check (UBSan:
  // signed overflow in regex_compiler.tcc) and narrowed them to int.
  for (const char* pattern : {"a{99999999999999999999}", "a{1,12345678901}", "(a)\\12345678901"}) {
    INFO(pattern);
    CHECK_THAT(only_error(std::string("start proc a sh\na? /") + pattern + "/\n"),
               Catch::Contains("more than 9 digits"));
  }
  for (const char* pattern : {"a{1,999999999}", "size=1073741824", "a\\{12345678901", "x,12345678901"}) {
    INFO(pattern);
    for (const auto& error : parse(std::string("start proc a sh\na? /") + pattern + "/\n").errors) {
      CHECK_THAT(error, !Catch::Contains("more than 9 digits"));
    }
  }
}
