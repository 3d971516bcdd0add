// A line typed at (or piped into) the node's REPL: parse_command. A parsed
// command is one the REPL knows, with a number of non-empty arguments
// within its bounds (`help [COMMAND]` takes 0 or 1).
#include "fuzz_support.hpp"
#include "node/commands.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    auto parsed = p2p::node::parse_command(fuzz::as_text(data, size));
    if (!parsed || parsed->name.empty()) return 0;
    const p2p::node::CommandSpec* spec = nullptr;
    for (const auto& s : p2p::node::command_specs()) {
        if (s.name == parsed->name) spec = &s;
    }
    FUZZ_CHECK(spec != nullptr, "an unknown command parsed");
    FUZZ_CHECK(parsed->args.size() >= spec->required && parsed->args.size() <= spec->arity,
               "wrong number of arguments parsed");
    for (const auto& a : parsed->args) FUZZ_CHECK(!a.empty(), "an empty argument parsed");
    return 0;
}
