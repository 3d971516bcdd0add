#pragma once
// The REPL's command language: the assignment's names and argument order,
// exactly. One table says everything about a command (usage, help text,
// example), so parsing, help and tab completion cannot disagree. Pure, so
// every usage error is unit-tested.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/result.hpp"

namespace p2p::node {

struct CommandSpec {
    std::string_view name = {};
    std::string_view args = {};     // usage, e.g. "GROUP USER"; "[COMMAND]" is optional
    std::string_view summary = {};  // one line in the list
    std::string_view details = {};  // what `help NAME` says it does
    std::string_view example = {};
    std::size_t arity = 0;     // at most this many arguments
    std::size_t required = 0;  // at least this many
    // The last argument is a password: it takes the rest of the line
    // (spaces allowed) and never reaches the history file.
    bool last_is_password = false;
};

const std::vector<CommandSpec>& command_specs();
const CommandSpec* find_command(std::string_view name);

struct ParsedCommand {
    std::string name;
    std::vector<std::string> args;
};

// Empty lines and '#' comments parse to a command with an empty name.
// Errors read "unknown command 'x' (type help for the list)" or
// "usage: join_group GROUP".
Result<ParsedCommand> parse_command(std::string_view line);

// `help`: every command with its usage, one per line.
std::string help_text();
// `help NAME`: usage, what it does, an example; an unknown name fails.
Result<std::string> help_text(std::string_view name);

// What a line becomes in the history: as typed, except that a password is
// cut off ("login alice " for "login alice secret") so that recalling the
// line asks for it again. nullopt: keep nothing (blank lines, comments).
std::optional<std::string> history_entry(std::string_view line);

// For tab completion: what the word being typed is, given the line before it.
struct CompletionSlot {
    // "COMMAND", or the usage's name for the argument: "GROUP", "FILE",
    // "USER", "PATH", "DEST_DIR". Empty: nothing to offer (a password, or
    // past the last argument).
    std::string_view kind;
    std::string group;  // the GROUP argument already typed, if any
};
CompletionSlot completion_slot(std::string_view before_word);

}  // namespace p2p::node
