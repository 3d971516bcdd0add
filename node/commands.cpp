#include "node/commands.hpp"

#include <sstream>

namespace p2p::node {

const std::vector<CommandSpec>& command_specs() {
    static const std::vector<CommandSpec> specs = {
        {.name = "create_user", .args = "USER PASSWORD", .summary = "create an account",
         .details = "Creates an account on the tracker. A name is 1-64 of A-Z a-z 0-9 . _ -; the password is "
                    "the rest of the line (1-256 bytes, spaces allowed).",
         .example = "create_user alice wonderland", .arity = 2, .required = 2, .last_is_password = true},
        {.name = "login", .args = "USER PASSWORD", .summary = "log in (one user per node)",
         .details = "Logs in on this node: one user per node, one node per user. Serves again everything you "
                    "shared before and resumes your unfinished downloads.",
         .example = "login alice wonderland", .arity = 2, .required = 2, .last_is_password = true},
        {.name = "logout", .summary = "log out; stops sharing until the next login",
         .details = "Logs out: this node stops serving your files and pauses your downloads until the next "
                    "login.",
         .example = "logout"},
        {.name = "create_group", .args = "GROUP", .summary = "create a group; you own it",
         .details = "Creates GROUP. You own it: you accept or reject who joins.",
         .example = "create_group physics", .arity = 1, .required = 1},
        {.name = "join_group", .args = "GROUP", .summary = "ask the owner to let you in",
         .details = "Asks the owner of GROUP to let you in. A notice tells you when they accept or reject.",
         .example = "join_group physics", .arity = 1, .required = 1},
        {.name = "leave_group", .args = "GROUP", .summary = "leave a group (or cancel your request)",
         .details = "Leaves GROUP, or cancels your pending request to join it; your files in it are no longer "
                    "shared. An owner who leaves hands GROUP to the member who joined next; the last member "
                    "to leave deletes it.",
         .example = "leave_group physics", .arity = 1, .required = 1},
        {.name = "list_requests", .args = "GROUP", .summary = "pending join requests (owner only)",
         .details = "Lists the users waiting to join GROUP, one per line. Only its owner may.",
         .example = "list_requests physics", .arity = 1, .required = 1},
        {.name = "accept_request", .args = "GROUP USER", .summary = "let USER into GROUP (owner only)",
         .details = "Lets USER, who asked to join, into GROUP. Only its owner may.",
         .example = "accept_request physics bob", .arity = 2, .required = 2},
        {.name = "reject_request", .args = "GROUP USER", .summary = "turn USER's request down (owner only)",
         .details = "Turns down USER's request to join GROUP. Only its owner may.",
         .example = "reject_request physics mallory", .arity = 2, .required = 2},
        {.name = "list_groups", .summary = "every group, its owner, size and your status",
         .details = "Lists every group on the tracker: its owner, its number of members and what you are in "
                    "it (owner, member, pending).",
         .example = "list_groups"},
        {.name = "list_files", .args = "GROUP", .summary = "files shared in GROUP (members only)",
         .details = "Lists the files shared in GROUP: size, members online who have some of it (sources) and "
                    "who have all of it (complete). Members only.",
         .example = "list_files physics", .arity = 1, .required = 1},
        {.name = "upload_file", .args = "PATH GROUP", .summary = "share a file with GROUP",
         .details = "Shares the file at PATH with the members of GROUP: hashes it in 512 KiB pieces and serves "
                    "them from this node. The tracker learns its name, size and hashes, never its bytes.",
         .example = "upload_file /data/run42.bin physics", .arity = 2, .required = 2},
        {.name = "download_file", .args = "GROUP FILE DEST_DIR", .summary = "download FILE of GROUP into DEST_DIR",
         .details = "Downloads FILE of GROUP into DEST_DIR from every member who has it, checking each piece. "
                    "Notices report progress and the end; it goes on in the background, and resumes at the "
                    "next login after a logout or a crash. After a crash of the machine itself, the pieces "
                    "written before it are read back and checked first; lost ones are fetched again.",
         .example = "download_file physics run42.bin /tmp/in", .arity = 3, .required = 3},
        {.name = "show_downloads", .summary = "downloads in progress [D] and completed [C]",
         .details = "Lists this node's downloads, in progress [D] and completed [C]: progress, rate, sources, "
                    "and why one is not moving.",
         .example = "show_downloads"},
        {.name = "stop_share", .args = "GROUP FILE", .summary = "stop sharing FILE in GROUP",
         .details = "Stops sharing FILE in GROUP. The file stays on your disk.",
         .example = "stop_share physics run42.bin", .arity = 2, .required = 2},
        {.name = "show_uploads", .summary = "files this node serves and pieces served",
         .details = "Lists the files this node serves and how many pieces of each it has served.",
         .example = "show_uploads"},
        {.name = "help", .args = "[COMMAND]", .summary = "this list, or one command in detail",
         .details = "Lists the commands, or tells what COMMAND does, with an example.",
         .example = "help download_file", .arity = 1},
        {.name = "quit", .summary = "log out and exit",
         .details = "Logs out and exits. End of input (Ctrl-D) and Ctrl-C do the same.", .example = "quit"},
    };
    return specs;
}

const CommandSpec* find_command(std::string_view name) {
    for (const auto& s : command_specs()) {
        if (s.name == name) return &s;
    }
    return nullptr;
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

std::string synopsis(const CommandSpec& spec) {
    return std::string(spec.name) + (spec.args.empty() ? "" : " " + std::string(spec.args));
}

std::string usage(const CommandSpec& spec) { return "usage: " + synopsis(spec); }

std::string unknown(std::string_view name) {
    return "unknown command '" + std::string(name) + "' (type help for the list)";
}

// The argument names of a usage, brackets dropped: "[COMMAND]" -> COMMAND.
std::vector<std::string_view> arg_names(const CommandSpec& spec) {
    std::vector<std::string_view> names;
    std::string_view rest = spec.args;
    for (auto w = next_word(rest); !w.empty(); w = next_word(rest)) {
        if (w.front() == '[' && w.back() == ']') w = w.substr(1, w.size() - 2);
        names.push_back(w);
    }
    return names;
}

}  // namespace

Result<ParsedCommand> parse_command(std::string_view line) {
    std::string_view rest = trim(line);
    if (rest.empty() || rest.front() == '#') return ParsedCommand{};
    const std::string name(next_word(rest));
    const CommandSpec* spec = find_command(name);
    if (!spec) return fail(unknown(name));
    ParsedCommand cmd{name, {}};
    for (std::size_t i = 0; i < spec->arity; ++i) {
        const bool password = i + 1 == spec->arity && spec->last_is_password;
        std::string_view arg = password ? trim(rest) : next_word(rest);
        if (password) rest = {};
        if (arg.empty()) {
            if (i < spec->required) return fail(usage(*spec));
            break;
        }
        cmd.args.emplace_back(arg);
    }
    if (!trim(rest).empty()) return fail(usage(*spec) + " (too many arguments)");
    return cmd;
}

std::string help_text() {
    std::ostringstream out;
    for (const auto& s : command_specs()) {
        const std::string left = synopsis(s);
        out << "  " << left << std::string(left.size() < 36 ? 36 - left.size() : 1, ' ') << s.summary << "\n";
    }
    out << "help COMMAND tells more about one, with an example; Tab completes at a terminal.\n";
    return out.str();
}

Result<std::string> help_text(std::string_view name) {
    const CommandSpec* spec = find_command(name);
    if (!spec) return fail(unknown(name));
    return usage(*spec) + "\n" + std::string(spec->details) + "\nexample: " + std::string(spec->example) + "\n";
}

std::optional<std::string> history_entry(std::string_view line) {
    std::string_view rest = trim(line);
    if (rest.empty() || rest.front() == '#') return std::nullopt;
    const std::string_view name = next_word(rest);
    const CommandSpec* spec = find_command(name);
    if (!spec || !spec->last_is_password) return std::string(trim(line));
    std::string entry(name);
    for (std::size_t i = 0; i + 1 < spec->arity; ++i) {
        const auto word = next_word(rest);
        if (word.empty()) break;
        entry += " " + std::string(word);
    }
    return entry + " ";
}

CompletionSlot completion_slot(std::string_view before_word) {
    std::vector<std::string_view> words;
    std::string_view rest = before_word;
    for (auto w = next_word(rest); !w.empty(); w = next_word(rest)) words.push_back(w);
    if (words.empty()) return {"COMMAND", {}};
    const CommandSpec* spec = find_command(words[0]);
    if (!spec) return {};
    const auto names = arg_names(*spec);
    const std::size_t index = words.size() - 1;  // of the argument being typed
    if (index >= names.size() || (spec->last_is_password && index + 1 == spec->arity)) return {};
    CompletionSlot slot{names[index], {}};
    for (std::size_t i = 0; i < index; ++i) {
        if (names[i] == "GROUP") slot.group = std::string(words[i + 1]);
    }
    return slot;
}

}  // namespace p2p::node
