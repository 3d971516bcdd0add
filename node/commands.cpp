#include "node/commands.hpp"

#include <sstream>

namespace p2p::node {

const std::vector<CommandSpec>& command_specs() {
    static const std::vector<CommandSpec> specs = {
        {"create_user", "USER PASSWORD", "create an account", 2, true},
        {"login", "USER PASSWORD", "log in (one user per node)", 2, true},
        {"logout", "", "log out; stops sharing until the next login", 0, false},
        {"create_group", "GROUP", "create a group; you own it", 1, false},
        {"join_group", "GROUP", "ask the owner to let you in", 1, false},
        {"leave_group", "GROUP", "leave a group (or cancel your request)", 1, false},
        {"list_requests", "GROUP", "pending join requests (owner only)", 1, false},
        {"accept_request", "GROUP USER", "let USER into GROUP (owner only)", 2, false},
        {"reject_request", "GROUP USER", "turn USER's request down (owner only)", 2, false},
        {"list_groups", "", "every group, its owner, size and your status", 0, false},
        {"list_files", "GROUP", "files shared in GROUP (members only)", 1, false},
        {"upload_file", "PATH GROUP", "share a file with GROUP", 2, false},
        {"download_file", "GROUP FILE DEST_DIR", "download FILE of GROUP into DEST_DIR", 3, false},
        {"show_downloads", "", "downloads in progress [D] and completed [C]", 0, false},
        {"stop_share", "GROUP FILE", "stop sharing FILE in GROUP", 2, false},
        {"show_uploads", "", "files this node serves and pieces served", 0, false},
        {"help", "", "this list", 0, false},
        {"quit", "", "log out and exit", 0, false},
    };
    return specs;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Splits off the first whitespace-separated word.
std::string_view next_word(std::string_view& rest) {
    rest = trim(rest);
    std::size_t end = 0;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t') ++end;
    std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end);
    return word;
}

std::string usage(const CommandSpec& spec) {
    std::string u = "usage: " + std::string(spec.name);
    if (!spec.args.empty()) u += " " + std::string(spec.args);
    return u;
}

}  // namespace

Result<ParsedCommand> parse_command(std::string_view line) {
    std::string_view rest = trim(line);
    if (rest.empty() || rest.front() == '#') return ParsedCommand{};
    const std::string name(next_word(rest));
    const CommandSpec* spec = nullptr;
    for (const auto& s : command_specs()) {
        if (s.name == name) spec = &s;
    }
    if (!spec) return fail("unknown command '" + name + "' (type help for the list)");
    ParsedCommand cmd{name, {}};
    for (std::size_t i = 0; i < spec->arity; ++i) {
        const bool last = i + 1 == spec->arity;
        std::string_view arg = last && spec->rest_is_one_arg ? trim(rest) : next_word(rest);
        if (last && spec->rest_is_one_arg) rest = {};
        if (arg.empty()) return fail(usage(*spec));
        cmd.args.emplace_back(arg);
    }
    if (!trim(rest).empty()) return fail(usage(*spec) + " (too many arguments)");
    return cmd;
}

std::string help_text() {
    std::ostringstream out;
    for (const auto& s : command_specs()) {
        std::string left = std::string(s.name) + (s.args.empty() ? "" : " " + std::string(s.args));
        out << "  " << left << std::string(left.size() < 36 ? 36 - left.size() : 1, ' ') << s.help << "\n";
    }
    return out.str();
}

}  // namespace p2p::node
