// A .scn script (parse_script_text, with the cross-line checks), as the
// scenario runner reads it before running anything.
#include "fuzz_support.hpp"
#include "tools/scenario/script_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const scenario::ParsedScript parsed = scenario::parse_script_text(fuzz::as_text(data, size), "fuzz.scn");
    for (const auto& error : parsed.errors) {
        FUZZ_CHECK(error.rfind("fuzz.scn:", 0) == 0, "error does not name the script: " + error);
    }
    int line = 0;
    for (const auto& step : parsed.script.steps) {
        FUZZ_CHECK(step.line > line, "steps out of line order");
        line = step.line;
    }
    return 0;
}
