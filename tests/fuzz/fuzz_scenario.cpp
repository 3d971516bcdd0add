// A .scn script (parse_script_text, with the cross-line checks), as the
// scenario runner reads it before running anything: on the runner's big
// stack (big_stack_thread.hpp), where std::regex compiles the script's
// patterns.
#include "fuzz_support.hpp"
#include "tools/scenario/big_stack_thread.hpp"
#include "tools/scenario/script_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    scenario::ParsedScript parsed;
    scenario::run_on_big_stack([&] {
        parsed = scenario::parse_script_text(fuzz::as_text(data, size), "fuzz.scn");
        return 0;
    });
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
