#include <catch2/catch.hpp>
#include <string>

#include "tools/zmq-monitor/text_escape.hpp"

using namespace p2p::monitor;
using namespace std::string_literals;

TEST_CASE("json_escape keeps plain text and escapes quotes and backslashes") {
    CHECK(json_escape("group.g1") == "group.g1");
    CHECK(json_escape("") == "");
    CHECK(json_escape(R"(say "hi")") == R"(say \"hi\")");
    CHECK(json_escape(R"(a\b)") == R"(a\\b)");
    CHECK(json_string(R"(x"\)") == R"("x\"\\")");
    CHECK(json_escape("/") == "/");  // allowed raw in JSON
}

TEST_CASE("json_escape escapes control characters") {
    CHECK(json_escape("a\nb\tc\rd") == R"(a\nb\tc\rd)");
    CHECK(json_escape("\b\f") == R"(\b\f)");
    CHECK(json_escape("\x01\x1f") == R"(\u0001\u001f)");
    CHECK(json_escape("\x1b[31m") == R"(\u001b[31m)");
    CHECK(json_escape("nul\0byte"s) == R"(nul\u0000byte)");
    CHECK(json_escape("\x7f") == R"(\u007f)");
    CHECK(json_escape("\xc2\x9b") == R"(\u009b)");  // C1 CSI
    CHECK(json_escape("\xe2\x80\xa8|\xe2\x80\xa9") == R"(\u2028|\u2029)");
}

TEST_CASE("json_escape keeps valid UTF-8 and replaces invalid bytes with U+FFFD") {
    CHECK(json_escape("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(json_escape("\xe2\x82\xac") == "\xe2\x82\xac");          // euro sign, 3 bytes
    CHECK(json_escape("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");  // emoji, 4 bytes
    CHECK(json_escape("\xc2\xa0") == "\xc2\xa0");                  // NBSP is not C1
    CHECK(json_escape("a\xff" "b") == R"(a\ufffdb)");
    CHECK(json_escape("\x80") == R"(\ufffd)");               // lone continuation byte
    CHECK(json_escape("\xc3") == R"(\ufffd)");               // truncated sequence
    CHECK(json_escape("\xc3(") == R"(\ufffd()");             // bad continuation
    CHECK(json_escape("\xc0\xaf") == R"(\ufffd\ufffd)");     // overlong '/'
    CHECK(json_escape("\xe0\x80\xaf") == R"(\ufffd\ufffd\ufffd)");  // overlong, 3 bytes
    CHECK(json_escape("\xed\xa0\x80") == R"(\ufffd\ufffd\ufffd)");  // UTF-16 surrogate
    CHECK(json_escape("\xf4\x90\x80\x80") == R"(\ufffd\ufffd\ufffd\ufffd)");  // > U+10FFFF
    CHECK(json_escape("\xf5") == R"(\ufffd)");
}

TEST_CASE("text_escape shows unprintable and invalid bytes as \\xNN") {
    CHECK(text_escape("join_requested") == "join_requested");
    CHECK(text_escape("a b") == "a b");
    CHECK(text_escape("line\nbreak") == R"(line\x0Abreak)");
    CHECK(text_escape("\x1b[2J") == R"(\x1B[2J)");
    CHECK(text_escape("back\\slash") == R"(back\\slash)");
    CHECK(text_escape("\xff\xfe") == R"(\xFF\xFE)");
    CHECK(text_escape("\x7f") == R"(\x7F)");
    CHECK(text_escape("\xc2\x9b") == R"(\xC2\x9B)");
    CHECK(text_escape("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(text_escape("zero\0"s) == R"(zero\x00)");
}

TEST_CASE("text_word also escapes spaces and shows empty words") {
    CHECK(text_word("g1") == "g1");
    CHECK(text_word("two words") == R"(two\x20words)");
    CHECK(text_word("") == R"("")");
    CHECK(text_word("tab\there") == R"(tab\x09here)");
    CHECK(text_word(R"("")") == R"(\x22\x22)");  // not the empty marker
    CHECK(text_escape(R"(say "hi")") == R"(say "hi")");
}
