#pragma once
// The REPL's command language: the assignment's names and argument order,
// exactly. Parsing is pure so that every usage error is unit-tested.
#include <string>
#include <string_view>
#include <vector>

#include "messages/result.hpp"

namespace p2p::node {

struct CommandSpec {
    std::string_view name;
    std::string_view args;  // usage, e.g. "GROUP USER"
    std::string_view help;
    std::size_t arity;
    bool rest_is_one_arg;   // the last argument takes the rest of the line (passwords)
};

const std::vector<CommandSpec>& command_specs();

struct ParsedCommand {
    std::string name;
    std::vector<std::string> args;
};

// Empty lines and '#' comments parse to a command with an empty name.
// Errors read "unknown command 'x' (type help)" or "usage: join_group GROUP".
Result<ParsedCommand> parse_command(std::string_view line);

std::string help_text();

}  // namespace p2p::node
