// The REPL's command table (node/commands.hpp): parsing, help, history
// entries and tab completion all come from it; and the names completion
// offers (node/known_names.hpp).
#include <catch2/catch.hpp>

#include "messages/envelope.hpp"
#include "messages/file_protocol.hpp"
#include "messages/tracker_protocol.hpp"
#include "node/commands.hpp"
#include "node/known_names.hpp"

using namespace p2p;
using namespace p2p::node;

namespace {

template <class T>
Envelope reply(const T& body) {
    auto env = decode_envelope(encode(1, body));
    REQUIRE(env.ok());
    return std::move(*env);
}

msg::TrackerEvent event(const char* type, std::string group, std::string user, std::string file = {}) {
    return msg::TrackerEvent{type, std::move(group), std::move(user), {}, std::move(file)};
}

}  // namespace

TEST_CASE("every command has usage text, help and an example that parses", "[commands]") {
    for (const auto& spec : command_specs()) {
        INFO(spec.name);
        CHECK(!spec.summary.empty());
        CHECK(!spec.details.empty());
        CHECK(spec.required <= spec.arity);
        auto parsed = parse_command(spec.example);
        REQUIRE(parsed.ok());
        CHECK(parsed->name == spec.name);
    }
}

TEST_CASE("help lists every command, help NAME explains one", "[commands]") {
    const std::string all = help_text();
    for (const auto& spec : command_specs()) CHECK(all.find("  " + std::string(spec.name)) != std::string::npos);
    CHECK(all.find("  download_file GROUP FILE DEST_DIR   download FILE") != std::string::npos);

    auto one = help_text("upload_file");
    REQUIRE(one.ok());
    CHECK(one->rfind("usage: upload_file PATH GROUP\n", 0) == 0);
    CHECK(one->find("\nexample: upload_file /data/run42.bin physics\n") != std::string::npos);

    auto none = help_text("nosuch");
    REQUIRE(!none.ok());
    CHECK(none.error() == "unknown command 'nosuch' (type help for the list)");
}

TEST_CASE("help takes one optional argument", "[commands]") {
    CHECK(parse_command("help")->args.empty());
    CHECK(parse_command("help login")->args == std::vector<std::string>{"login"});
    CHECK(parse_command("help a b").error() == "usage: help [COMMAND] (too many arguments)");
}

TEST_CASE("usage errors keep their wording", "[commands]") {
    CHECK(parse_command("join_group").error() == "usage: join_group GROUP");
    CHECK(parse_command("join_group a b").error() == "usage: join_group GROUP (too many arguments)");
    CHECK(parse_command("accept_request g").error() == "usage: accept_request GROUP USER");
    CHECK(parse_command("frobnicate").error() == "unknown command 'frobnicate' (type help for the list)");
    CHECK(parse_command("login alice my pass word")->args == std::vector<std::string>{"alice", "my pass word"});
    CHECK(parse_command("  # a comment")->name.empty());
}

TEST_CASE("history keeps lines but never a password", "[commands]") {
    CHECK(history_entry("  list_groups ") == "list_groups");
    CHECK(history_entry("download_file g f /tmp") == "download_file g f /tmp");
    CHECK(history_entry("login alice secret words") == "login alice ");
    CHECK(history_entry("create_user bob pw") == "create_user bob ");
    CHECK(history_entry("login") == "login ");
    CHECK(history_entry("frobnicate x") == "frobnicate x");
    CHECK(!history_entry("   "));
    CHECK(!history_entry("# note"));
}

TEST_CASE("completion knows which argument is being typed", "[commands]") {
    CHECK(completion_slot("").kind == "COMMAND");
    CHECK(completion_slot("  ").kind == "COMMAND");
    CHECK(completion_slot("help ").kind == "COMMAND");
    CHECK(completion_slot("join_group ").kind == "GROUP");
    CHECK(completion_slot("join_group g ").kind.empty());  // past the last argument
    CHECK(completion_slot("upload_file ").kind == "PATH");
    CHECK(completion_slot("upload_file /x ").kind == "GROUP");
    auto file = completion_slot("download_file physics ");
    CHECK(file.kind == "FILE");
    CHECK(file.group == "physics");
    CHECK(completion_slot("download_file physics run.bin ").kind == "DEST_DIR");
    auto user = completion_slot("accept_request physics ");
    CHECK(user.kind == "USER");
    CHECK(user.group == "physics");
    CHECK(completion_slot("login ").kind == "USER");
    CHECK(completion_slot("login alice ").kind.empty());  // never a password
    CHECK(completion_slot("nosuch ").kind.empty());
}

TEST_CASE("known names follow replies and events", "[commands]") {
    KnownNames known;
    const ParsedCommand list_groups{"list_groups", {}};
    msg::GroupList groups;
    groups.groups.push_back({"physics", "alice", 2, "owner"});
    groups.groups.push_back({"chem", "bob", 1, ""});
    known.learn(list_groups, reply(groups));
    CHECK(known.candidates({"GROUP", {}}) == std::vector<std::string>{"chem", "physics"});

    known.learn(ParsedCommand{"create_group", {"bio"}}, reply(msg::Ok{"group bio created"}));
    known.learn(event(msg::event::kGroupDeleted, "chem", "bob"));
    CHECK(known.candidates({"GROUP", {}}) == std::vector<std::string>{"bio", "physics"});

    msg::FileList files;
    files.files.push_back(msg::FileSummary{"run42.bin", 1, 1, 1, 1});
    known.learn(ParsedCommand{"list_files", {"physics"}}, reply(files));
    known.learn(event(msg::event::kFileAdded, "physics", "bob", "notes.txt"));
    CHECK(known.candidates({"FILE", "physics"}) == std::vector<std::string>{"notes.txt", "run42.bin"});
    known.learn(event(msg::event::kFileRemoved, "physics", "", "run42.bin"));
    CHECK(known.candidates({"FILE", "physics"}) == std::vector<std::string>{"notes.txt"});
    CHECK(known.candidates({"FILE", "bio"}).empty());

    known.learn(event(msg::event::kJoinRequested, "physics", "carol"));
    known.learn(event(msg::event::kJoinRequested, "physics", "dave"));
    known.learn(ParsedCommand{"accept_request", {"physics", "carol"}}, reply(msg::Ok{"ok"}));
    CHECK(known.candidates({"USER", "physics"}) == std::vector<std::string>{"dave"});
    CHECK(known.candidates({"PATH", {}}).empty());

    known.forget_all();
    CHECK(known.candidates({"GROUP", {}}).empty());
}
