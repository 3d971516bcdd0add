// The tracker's file rules (tracker/core/machine.hpp): share_file, stop_share,
// what leave_group and sessions do to shares, and the file queries.
#include <catch2/catch.hpp>

#include <set>

#include "machine_fixture.hpp"
#include "messages/envelope.hpp"
#include "messages/limits.hpp"

using namespace p2p;
using namespace p2p::tracker;
using namespace p2p::tracker::testing;

namespace ev = p2p::msg::event;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

std::string ok_text(const Outcome& o) {
    REQUIRE(std::holds_alternative<msg::Ok>(o.reply));
    return std::get<msg::Ok>(o.reply).text;
}

// alice owns g1 with members bob and carol; dave asks to join (pending);
// erin is a stranger. Everyone is logged in on their own node.
struct FilesFixture : Fixture {
    // Node names of different lengths, so that every user has its own endpoint.
    std::map<std::string, std::string> node_of{
        {"alice", "node-a"}, {"bob", "node-bb"}, {"carol", "node-ccc"}, {"dave", "node-dddd"}, {"erin", "node-eeeee"}};
    std::string a, b, c, d, e;
    FilesFixture() {
        for (auto u : {"alice", "bob", "carol", "dave", "erin"}) user(u);
        a = login("alice", node_of.at("alice"));
        b = login("bob", node_of.at("bob"));
        c = login("carol", node_of.at("carol"));
        d = login("dave", node_of.at("dave"));
        e = login("erin", node_of.at("erin"));
        ok(msg::CreateGroup{a, "g1"});
        for (const auto& [tok, name] : {std::pair{b, "bob"}, std::pair{c, "carol"}}) {
            ok(msg::JoinGroup{tok, "g1"});
            ok(msg::AcceptRequest{a, "g1", name});
        }
        ok(msg::JoinGroup{d, "g1"});
    }

    // Logs user back in on its node (after a logout or timeout).
    std::string relogin(const std::string& u) { return login(u, node_of.at(u)); }

    msg::FileList list(const std::string& tok, const std::string& g = "g1") const {
        auto r = files(tok, g);
        INFO(error_text(r));
        REQUIRE(std::holds_alternative<msg::FileList>(r));
        return std::get<msg::FileList>(r);
    }
    msg::FileDetails details(const std::string& tok, const std::string& name, const std::string& g = "g1") const {
        auto r = file(tok, g, name);
        INFO(error_text(r));
        REQUIRE(std::holds_alternative<msg::FileDetails>(r));
        return std::get<msg::FileDetails>(r);
    }
    msg::SourceList source_list(const std::string& tok, const std::string& name, const std::string& g = "g1") const {
        auto r = sources(tok, g, name);
        INFO(error_text(r));
        REQUIRE(std::holds_alternative<msg::SourceList>(r));
        return std::get<msg::SourceList>(r);
    }
};

// A pointer into a temporary list would dangle: only named lists.
const msg::FileSummary* row(msg::FileList&& list, const std::string& name) = delete;
const msg::FileSummary* row(const msg::FileList& list, const std::string& name) {
    for (const auto& f : list.files) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

// "user@endpoint:complete" for each source, in order.
std::vector<std::string> describe(const std::vector<msg::Source>& sources) {
    std::vector<std::string> out;
    for (const auto& s : sources) out.push_back(s.user + "@" + s.endpoint + (s.complete ? ":complete" : ":partial"));
    return out;
}

std::string at(const std::string& node) { return Fixture::endpoint_of(node); }

}  // namespace

// ---------------------------------------------------------------- share_file

TEST_CASE("share_file: a member registers a new file", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * files::kPieceSize - 1);

    auto o = f.ok(msg::ShareFile{f.b, "g1", movie, true});
    CHECK(ok_text(o) == "sharing movie.bin in g1 (3 pieces)");
    REQUIRE(o.events.size() == 1);
    CHECK(has_file_event(o, "g1", ev::kFileAdded, "movie.bin", "bob"));
    CHECK(o.events[0].body.by.empty());

    const auto& shared = f.shared("g1", "movie.bin");
    CHECK(shared.meta == movie);
    CHECK(shared.sharers == std::map<std::string, bool>{{"bob", true}});

    SECTION("a partial sharer registers it as partial") {
        f.ok(msg::ShareFile{f.a, "g1", meta_for("part.bin", 10), false});
        CHECK(f.shared("g1", "part.bin").sharers == std::map<std::string, bool>{{"alice", false}});
    }
    SECTION("piece counts in the reply: one piece, and an empty file") {
        CHECK(ok_text(f.share(f.a, "g1", meta_for("one.bin", 1))) == "sharing one.bin in g1 (1 piece)");
        CHECK(ok_text(f.share(f.a, "g1", meta_for("empty.bin", 0))) == "sharing empty.bin in g1 (0 pieces)");
        CHECK(f.shared("g1", "empty.bin").meta.piece_hashes.empty());
    }
    SECTION("the same name in another group is another file") {
        f.ok(msg::CreateGroup{f.e, "g2"});
        auto other = meta_for("movie.bin", 10, "different");
        f.ok(msg::ShareFile{f.e, "g2", other, true});
        CHECK(f.shared("g2", "movie.bin").meta == other);
        CHECK(f.shared("g1", "movie.bin").meta == movie);
    }
    SECTION("the same content under another name is another entry") {
        auto copy = movie;
        copy.name = "copy.bin";
        auto o2 = f.ok(msg::ShareFile{f.c, "g1", copy, true});
        CHECK(has_file_event(o2, "g1", ev::kFileAdded, "copy.bin", "carol"));
        CHECK(f.group("g1").files.size() == 2);
    }
}

TEST_CASE("share_file: the same file again adds or updates its sharer", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 5 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});

    SECTION("another member becomes a sharer: Ok, journaled, source_added") {
        auto o = f.ok(msg::ShareFile{f.b, "g1", movie, false});
        CHECK(ok_text(o) == "sharing movie.bin in g1 (10 pieces)");
        REQUIRE(o.events.size() == 1);
        CHECK(has_file_event(o, "g1", ev::kSourceAdded, "movie.bin", "bob"));
        CHECK(f.shared("g1", "movie.bin").sharers == std::map<std::string, bool>{{"alice", true}, {"bob", false}});
    }
    SECTION("another member shares it complete: source_added, then source_completed") {
        auto o = f.ok(msg::ShareFile{f.b, "g1", movie, true});
        REQUIRE(o.events.size() == 2);
        CHECK(o.events[0].body.type == ev::kSourceAdded);
        CHECK(o.events[1].body.type == ev::kSourceCompleted);
    }
    SECTION("a partial sharer that completes is updated: source_completed") {
        f.ok(msg::ShareFile{f.b, "g1", movie, false});
        auto o = f.ok(msg::ShareFile{f.b, "g1", movie, true});
        REQUIRE(o.events.size() == 1);
        CHECK(has_file_event(o, "g1", ev::kSourceCompleted, "movie.bin", "bob"));
        CHECK(f.shared("g1", "movie.bin").sharers.at("bob") == true);
    }
    SECTION("repeating an announcement changes nothing: Ok, but nothing to journal") {
        const State before = f.state;
        auto o = f.share(f.a, "g1", movie, true);
        CHECK(ok_text(o) == "sharing movie.bin in g1 (10 pieces)");
        CHECK_FALSE(o.changed);
        CHECK(o.events.empty());
        CHECK(f.state == before);
    }
    SECTION("complete never goes back to partial") {
        const State before = f.state;
        auto o = f.share(f.a, "g1", movie, false);
        CHECK(is_ok(o));
        CHECK_FALSE(o.changed);
        CHECK(f.state == before);
        CHECK(f.shared("g1", "movie.bin").sharers.at("alice") == true);
    }
    SECTION("a partial sharer repeating partial changes nothing either") {
        f.ok(msg::ShareFile{f.b, "g1", movie, false});
        const State before = f.state;
        auto o = f.share(f.b, "g1", movie, false);
        CHECK(is_ok(o));
        CHECK_FALSE(o.changed);
        CHECK(f.state == before);
    }
}

TEST_CASE("share_file: refusals leave the state unchanged", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});

    SECTION("no valid session") {
        CHECK(f.refused(msg::ShareFile{"", "g1", movie, true}) == "not_logged_in");
        CHECK(f.refused(msg::ShareFile{"forged", "g1", movie, true}) == "not_logged_in");
        f.ok(msg::Logout{f.b});
        CHECK(f.refused(msg::ShareFile{f.b, "g1", meta_for("x.bin", 1), true}) == "not_logged_in");
    }
    SECTION("bad group name, no such group") {
        CHECK(f.refused(msg::ShareFile{f.a, "a/b", movie, true}) == "bad_name");
        CHECK(f.refused(msg::ShareFile{f.a, "", movie, true}) == "bad_name");
        CHECK(f.refused(msg::ShareFile{f.a, "nope", movie, true}) == "no_such_group");
    }
    SECTION("only members: not a stranger, not a pending requester") {
        CHECK(f.refused(msg::ShareFile{f.e, "g1", meta_for("e.bin", 1), true}) == "not_member");
        CHECK(f.refused(msg::ShareFile{f.d, "g1", meta_for("d.bin", 1), true}) == "not_member");
        CHECK(f.refused(msg::ShareFile{f.d, "g1", movie, true}) == "not_member");
        CHECK(error_text(f.share(f.e, "g1", movie)) == "only members of g1 can share files in it");
    }
    SECTION("membership is checked before the metadata") {
        auto bad = meta_for("x.bin", 1);
        bad.file_id.clear();
        CHECK(f.refused(msg::ShareFile{f.e, "g1", bad, true}) == "not_member");
    }
    SECTION("metadata that fails check_meta, with its reason") {
        std::vector<std::pair<std::string, files::FileMeta>> bad;
        auto m = meta_for("x.bin", 2 * kMiB);
        bad.emplace_back("unsafe name", m);
        bad.back().second.name = "../x.bin";
        bad.emplace_back("empty name", m);
        bad.back().second.name = "";
        bad.emplace_back("file id of other hashes", m);
        bad.back().second.file_id = meta_for("y.bin", 2 * kMiB).file_id;
        bad.emplace_back("short file id", m);
        bad.back().second.file_id.resize(31);
        bad.emplace_back("a hash missing", m);
        bad.back().second.piece_hashes.pop_back();
        bad.emplace_back("a short hash", m);
        bad.back().second.piece_hashes[1].resize(16);
        bad.emplace_back("piece size not a power of two", meta_for("x.bin", 2 * kMiB, "", 300 * 1024));
        bad.emplace_back("piece size zero (field missing)", m);
        bad.back().second.piece_size = 0;
        bad.emplace_back("size over 1 TiB", meta_for("x.bin", files::kMaxFileSize + 1, "", files::kMaxPieceSize));
        for (const auto& [why, meta] : bad) {
            INFO(why);
            REQUIRE_FALSE(files::check_meta(meta).ok());
            CHECK(f.refused(msg::ShareFile{f.b, "g1", meta, true}) == "bad_meta");
            CHECK(error_text(f.share(f.b, "g1", meta)) == files::check_meta(meta).error());
        }
        CHECK_FALSE(f.has_file("g1", "x.bin"));
    }
    SECTION("a different file under a name already used") {
        const auto other = meta_for("movie.bin", 3 * kMiB, "other content");
        CHECK(f.refused(msg::ShareFile{f.b, "g1", other, true}) == "name_taken");
        CHECK(error_text(f.share(f.b, "g1", other)) == "a different file named movie.bin is already shared in g1");
        // Even the file's own sharer cannot swap in other content.
        CHECK(f.refused(msg::ShareFile{f.a, "g1", other, false}) == "name_taken");
        CHECK(f.shared("g1", "movie.bin").meta == movie);
    }
    SECTION("same piece hashes and file id but another size is not the same file") {
        auto odd = movie;
        odd.size -= 1;  // still 6 pieces of 512 KiB: passes check_meta
        REQUIRE(files::check_meta(odd).ok());
        CHECK(f.refused(msg::ShareFile{f.b, "g1", odd, true}) == "name_taken");
    }
}

// ---------------------------------------------------------------- stop_share

TEST_CASE("stop_share: a sharer stops; the last one takes the file away", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});
    f.ok(msg::ShareFile{f.b, "g1", movie, false});

    SECTION("one of two sharers stops: the file stays, source_removed") {
        auto o = f.ok(msg::StopShare{f.b, "g1", "movie.bin"});
        CHECK(ok_text(o) == "stopped sharing movie.bin in g1");
        REQUIRE(o.events.size() == 1);
        CHECK(has_file_event(o, "g1", ev::kSourceRemoved, "movie.bin", "bob"));
        CHECK(f.shared("g1", "movie.bin").sharers == std::map<std::string, bool>{{"alice", true}});
    }
    SECTION("the last sharer stops: the file goes and the group hears file_removed") {
        f.ok(msg::StopShare{f.b, "g1", "movie.bin"});
        auto o = f.ok(msg::StopShare{f.a, "g1", "movie.bin"});
        CHECK(ok_text(o) == "stopped sharing movie.bin in g1");
        REQUIRE(o.events.size() == 1);
        CHECK(has_file_event(o, "g1", ev::kFileRemoved, "movie.bin", "alice"));
        CHECK_FALSE(f.has_file("g1", "movie.bin"));
        CHECK(error_code(f.file(f.c, "g1", "movie.bin")) == "no_such_file");

        SECTION("and the name is free for another file") {
            auto o2 = f.ok(msg::ShareFile{f.c, "g1", meta_for("movie.bin", 7, "new"), true});
            CHECK(has_file_event(o2, "g1", ev::kFileAdded, "movie.bin", "carol"));
        }
    }
    SECTION("refusals") {
        CHECK(f.refused(msg::StopShare{"", "g1", "movie.bin"}) == "not_logged_in");
        CHECK(f.refused(msg::StopShare{"forged", "g1", "movie.bin"}) == "not_logged_in");
        CHECK(f.refused(msg::StopShare{f.a, "x y", "movie.bin"}) == "bad_name");
        CHECK(f.refused(msg::StopShare{f.a, "g1", "../movie.bin"}) == "bad_name");
        CHECK(f.refused(msg::StopShare{f.a, "g1", ""}) == "bad_name");
        CHECK(f.refused(msg::StopShare{f.a, "nope", "movie.bin"}) == "no_such_group");
        // A member that is not sharing it, a stranger, a file that does not exist.
        CHECK(f.refused(msg::StopShare{f.c, "g1", "movie.bin"}) == "not_sharing");
        CHECK(f.refused(msg::StopShare{f.e, "g1", "movie.bin"}) == "not_sharing");
        CHECK(f.refused(msg::StopShare{f.a, "g1", "other.bin"}) == "not_sharing");
        CHECK(error_text(f.stop(f.c, "g1", "movie.bin")) == "you are not sharing movie.bin in g1");
        f.ok(msg::StopShare{f.b, "g1", "movie.bin"});
        CHECK(f.refused(msg::StopShare{f.b, "g1", "movie.bin"}) == "not_sharing");
    }
}

// ---------------------------------------------------------------- leave_group and sessions

TEST_CASE("leave_group: the leaver's shares go; files nobody else shares vanish", "[machine][files]") {
    FilesFixture f;
    const auto both = meta_for("both.bin", 3 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", both, true});
    f.ok(msg::ShareFile{f.b, "g1", both, false});
    f.ok(msg::ShareFile{f.b, "g1", meta_for("bobs.bin", kMiB), true});
    f.ok(msg::ShareFile{f.b, "g1", meta_for("bobs2.bin", 0), true});
    f.ok(msg::ShareFile{f.c, "g1", meta_for("carols.bin", kMiB), true});

    SECTION("a member leaves") {
        auto o = f.ok(msg::LeaveGroup{f.b, "g1"});
        CHECK(has_event(o, "group.g1", ev::kMemberLeft, "bob"));
        CHECK(has_file_event(o, "g1", ev::kFileRemoved, "bobs.bin", "bob"));
        CHECK(has_file_event(o, "g1", ev::kFileRemoved, "bobs2.bin", "bob"));
        CHECK(has_file_event(o, "g1", ev::kSourceRemoved, "both.bin", "bob"));
        CHECK(o.events.size() == 4);
        CHECK(f.shared("g1", "both.bin").sharers == std::map<std::string, bool>{{"alice", true}});
        CHECK_FALSE(f.has_file("g1", "bobs.bin"));
        CHECK_FALSE(f.has_file("g1", "bobs2.bin"));
        CHECK(f.shared("g1", "carols.bin").sharers.size() == 1);

        SECTION("coming back does not bring the shares back") {
            f.ok(msg::JoinGroup{f.b, "g1"});
            f.ok(msg::AcceptRequest{f.a, "g1", "bob"});
            CHECK_FALSE(f.has_file("g1", "bobs.bin"));
            CHECK(f.shared("g1", "both.bin").sharers.count("bob") == 0);
        }
    }
    SECTION("the owner leaves: ownership passes and the owner's shares go") {
        auto o = f.ok(msg::LeaveGroup{f.a, "g1"});
        CHECK(has_event(o, "group.g1", ev::kOwnerChanged, "bob"));
        // member_left, owner_changed, and source_removed: both.bin still has bob
        CHECK(has_file_event(o, "g1", ev::kSourceRemoved, "both.bin", "alice"));
        CHECK(o.events.size() == 3);
        CHECK(f.shared("g1", "both.bin").sharers == std::map<std::string, bool>{{"bob", false}});
    }
    SECTION("a pending requester leaving touches no file") {
        const auto files_before = f.group("g1").files;
        f.ok(msg::LeaveGroup{f.d, "g1"});
        CHECK(f.group("g1").files == files_before);
    }
    SECTION("the group's deletion drops its files") {
        f.ok(msg::LeaveGroup{f.b, "g1"});
        f.ok(msg::LeaveGroup{f.c, "g1"});
        auto o = f.ok(msg::LeaveGroup{f.a, "g1"});
        CHECK(has_event(o, "group.g1", ev::kGroupDeleted, "alice"));
        CHECK(f.state.groups.count("g1") == 0);
        f.ok(msg::CreateGroup{f.e, "g1"});
        CHECK(f.group("g1").files.empty());
        CHECK(f.list(f.e).files.empty());
    }
}

TEST_CASE("sessions: a sharer who logs out or times out stays a sharer, offline", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});
    f.ok(msg::ShareFile{f.b, "g1", movie, false});

    auto o = f.ok(msg::Logout{f.a});
    CHECK(o.events.empty());
    f.ok(StoredCloseSession{f.b, "expired (no heartbeat)"});
    CHECK(f.shared("g1", "movie.bin").sharers == std::map<std::string, bool>{{"alice", true}, {"bob", false}});
    const msg::FileList listed1 = f.list(f.c);
    const auto* r = row(listed1, "movie.bin");
    REQUIRE(r);
    CHECK(r->sharers == 2);
    CHECK(r->sources_online == 0);
    CHECK(r->complete_online == 0);
    CHECK(f.details(f.c, "movie.bin").sources.empty());

    // Back online: a source again, at the endpoint of the new session.
    f.relogin("alice");
    CHECK(describe(f.details(f.c, "movie.bin").sources) == std::vector<std::string>{"alice@" + at("node-a") + ":complete"});
}

// ---------------------------------------------------------------- list_files

TEST_CASE("list_files: members see every file, sorted, with who is online", "[machine][files]") {
    FilesFixture f;

    SECTION("empty") { CHECK(f.list(f.a).files.empty()); }

    SECTION("sorted by name, with sizes") {
        f.ok(msg::ShareFile{f.a, "g1", meta_for("zeta.bin", 64 * kMiB), true});
        f.ok(msg::ShareFile{f.b, "g1", meta_for("alpha.bin", 512), true});
        f.ok(msg::ShareFile{f.c, "g1", meta_for("Mid.bin", 0), true});
        const auto list = f.list(f.b);
        REQUIRE(list.files.size() == 3);
        CHECK(list.files[0].name == "Mid.bin");
        CHECK(list.files[1].name == "alpha.bin");
        CHECK(list.files[2].name == "zeta.bin");
        CHECK(list.files[0].size == 0);
        CHECK(list.files[1].size == 512);
        CHECK(list.files[2].size == 64 * kMiB);
    }

    SECTION("sources and complete count the sharers with a live session") {
        const auto movie = meta_for("movie.bin", 3 * kMiB);
        f.ok(msg::ShareFile{f.a, "g1", movie, true});
        f.ok(msg::ShareFile{f.b, "g1", movie, false});
        f.ok(msg::ShareFile{f.c, "g1", movie, true});
        auto counts = [&] {
            const msg::FileList listed2 = f.list(f.a);
            const auto* r = row(listed2, "movie.bin");
            REQUIRE(r);
            return std::vector<uint32_t>{r->sources_online, r->complete_online, r->sharers};
        };
        CHECK(counts() == std::vector<uint32_t>{3, 2, 3});  // the asker counts: this is the group's view
        f.ok(msg::Logout{f.c});
        CHECK(counts() == std::vector<uint32_t>{2, 1, 3});
        f.ok(StoredCloseSession{f.b, "expired (no heartbeat)"});
        CHECK(counts() == std::vector<uint32_t>{1, 1, 3});
        f.relogin("carol");
        CHECK(counts() == std::vector<uint32_t>{2, 2, 3});
        f.ok(msg::ShareFile{f.relogin("bob"), "g1", movie, true});
        CHECK(counts() == std::vector<uint32_t>{3, 3, 3});
    }

    SECTION("refusals") {
        CHECK(error_code(f.files("", "g1")) == "not_logged_in");
        CHECK(error_code(f.files("forged", "g1")) == "not_logged_in");
        CHECK(error_code(f.files(f.a, "a/b")) == "bad_name");
        CHECK(error_code(f.files(f.a, "nope")) == "no_such_group");
        CHECK(error_code(f.files(f.e, "g1")) == "not_member");
        CHECK(error_code(f.files(f.d, "g1")) == "not_member");
        CHECK(error_text(f.files(f.e, "g1")) == "only members of g1 can see its files");
    }
}

// ---------------------------------------------------------------- get_file / get_sources

TEST_CASE("get_file: metadata and the online sources other than the asker", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * kMiB + 17);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});
    f.ok(msg::ShareFile{f.b, "g1", movie, false});
    f.ok(msg::ShareFile{f.c, "g1", movie, true});

    SECTION("a member who is not sharing sees every online sharer") {
        // dave becomes a member
        f.ok(msg::AcceptRequest{f.a, "g1", "dave"});
        const auto details = f.details(f.d, "movie.bin");
        CHECK(details.group == "g1");
        CHECK(details.meta == movie);
        CHECK(describe(details.sources) == std::vector<std::string>{"alice@" + at("node-a") + ":complete",
                                                                    "bob@" + at("node-bb") + ":partial",
                                                                    "carol@" + at("node-ccc") + ":complete"});
    }
    SECTION("the asker is never its own source") {
        CHECK(describe(f.details(f.b, "movie.bin").sources) ==
              std::vector<std::string>{"alice@" + at("node-a") + ":complete", "carol@" + at("node-ccc") + ":complete"});
        CHECK(describe(f.details(f.a, "movie.bin").sources) ==
              std::vector<std::string>{"bob@" + at("node-bb") + ":partial", "carol@" + at("node-ccc") + ":complete"});
    }
    SECTION("offline sharers are left out") {
        f.ok(msg::Logout{f.a});
        f.ok(StoredCloseSession{f.c, "expired (no heartbeat)"});
        CHECK(describe(f.details(f.b, "movie.bin").sources).empty());
        f.ok(msg::AcceptRequest{f.relogin("alice"), "g1", "dave"});
        CHECK(describe(f.details(f.d, "movie.bin").sources) ==
              std::vector<std::string>{"alice@" + at("node-a") + ":complete", "bob@" + at("node-bb") + ":partial"});
    }
    SECTION("the ticket names the asker, the group and the file; the actor stamps and signs it") {
        const auto t = f.details(f.b, "movie.bin").ticket;
        CHECK(t.user == "bob");
        CHECK(t.group == "g1");
        CHECK(t.file_id == movie.file_id);
        CHECK(t.expires == 0);
        CHECK(t.signature.empty());
    }
    SECTION("refusals") {
        CHECK(error_code(f.file("", "g1", "movie.bin")) == "not_logged_in");
        CHECK(error_code(f.file("forged", "g1", "movie.bin")) == "not_logged_in");
        CHECK(error_code(f.file(f.a, "", "movie.bin")) == "bad_name");
        CHECK(error_code(f.file(f.a, "g1", "../movie.bin")) == "bad_name");
        CHECK(error_code(f.file(f.a, "nope", "movie.bin")) == "no_such_group");
        CHECK(error_code(f.file(f.e, "g1", "movie.bin")) == "not_member");
        CHECK(error_code(f.file(f.d, "g1", "movie.bin")) == "not_member");
        CHECK(error_text(f.file(f.e, "g1", "movie.bin")) == "only members of g1 can download its files");
        CHECK(error_code(f.file(f.a, "g1", "other.bin")) == "no_such_file");
        CHECK(error_text(f.file(f.a, "g1", "other.bin")) == "no file other.bin in g1");
    }
}

TEST_CASE("get_sources: the same sources, for a download under way", "[machine][files]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});
    f.ok(msg::ShareFile{f.b, "g1", movie, false});

    const auto list = f.source_list(f.c, "movie.bin");
    CHECK(list.group == "g1");
    CHECK(list.name == "movie.bin");
    CHECK(describe(list.sources) ==
          std::vector<std::string>{"alice@" + at("node-a") + ":complete", "bob@" + at("node-bb") + ":partial"});
    CHECK(list.ticket.user == "carol");
    CHECK(list.ticket.group == "g1");
    CHECK(list.ticket.file_id == movie.file_id);
    CHECK(list.ticket.signature.empty());

    SECTION("the same view as get_file") {
        CHECK(describe(list.sources) == describe(f.details(f.c, "movie.bin").sources));
        CHECK(describe(f.source_list(f.a, "movie.bin").sources) == describe(f.details(f.a, "movie.bin").sources));
    }
    SECTION("a downloader announcing itself as partial shows up for the others") {
        f.ok(msg::ShareFile{f.c, "g1", movie, false});
        CHECK(describe(f.source_list(f.a, "movie.bin").sources) ==
              std::vector<std::string>{"bob@" + at("node-bb") + ":partial", "carol@" + at("node-ccc") + ":partial"});
    }
    SECTION("refusals") {
        CHECK(error_code(f.sources("", "g1", "movie.bin")) == "not_logged_in");
        CHECK(error_code(f.sources(f.c, "g 1", "movie.bin")) == "bad_name");
        CHECK(error_code(f.sources(f.c, "nope", "movie.bin")) == "no_such_group");
        CHECK(error_code(f.sources(f.e, "g1", "movie.bin")) == "not_member");
        CHECK(error_code(f.sources(f.c, "g1", "x.bin")) == "no_such_file");
        CHECK(error_code(f.sources(f.c, "g1", "")) == "bad_name");
    }
    SECTION("after the user leaves the group: refused") {
        f.ok(msg::LeaveGroup{f.c, "g1"});
        CHECK(error_code(f.sources(f.c, "g1", "movie.bin")) == "not_member");
    }
}

// ---------------------------------------------------------------- journal and snapshot

TEST_CASE("files replay from the journal and survive a snapshot", "[machine][files][replay]") {
    FilesFixture f;
    const auto movie = meta_for("movie.bin", 3 * kMiB);
    f.ok(msg::ShareFile{f.a, "g1", movie, true});
    f.ok(msg::ShareFile{f.b, "g1", movie, false});
    f.share(f.b, "g1", movie, false);  // changes nothing
    f.ok(msg::ShareFile{f.b, "g1", movie, true});
    f.ok(msg::ShareFile{f.c, "g1", meta_for("c.bin", 1), false});
    f.refused(msg::ShareFile{f.e, "g1", meta_for("e.bin", 1), true});
    f.ok(msg::StopShare{f.a, "g1", "movie.bin"});
    f.ok(msg::ShareFile{f.a, "g1", meta_for("a.bin", kMiB), true});
    f.ok(msg::LeaveGroup{f.c, "g1"});
    f.ok(msg::Logout{f.b});
    REQUIRE(f.group("g1").files.size() == 2);

    SECTION("the changed commands, encoded and decoded, rebuild the state") {
        State shadow, replayed;
        for (const auto& c : f.applied) {
            if (!p2p::tracker::apply(shadow, c).changed) continue;
            auto back = decode_command(encode_command(c));
            REQUIRE(back.ok());
            CHECK(p2p::tracker::apply(replayed, *back).changed);
        }
        CHECK(replayed == f.state);
    }
    SECTION("encode_state/decode_state keep files and sharers") {
        const State back = decode_state(encode_state(f.state));
        CHECK(back == f.state);
        CHECK(back.groups.at("g1").files.at("movie.bin").sharers == std::map<std::string, bool>{{"bob", true}});
    }
}

TEST_CASE("a share that fills a frame is journaled and read back, though its journal record is longer",
          "[machine][files][replay]") {
    // A ShareFile of exactly one frame (16 MiB), leaving out `complete`. Its
    // journal record spells `complete` out, 10 bytes past the frame limit,
    // and decode_command used to refuse it: the tracker would not start again.
    FilesFixture f;
    const uint64_t frame = limits::kControlFrameBytes;
    const auto pack = [&](const files::FileMeta& meta) {
        msgpack::sbuffer buf;
        msgpack::packer<msgpack::sbuffer> pk(buf);
        pk.pack_array(3);
        pk.pack(static_cast<uint16_t>(Kind::ShareFile));
        pk.pack(7);
        pk.pack_map(3);
        pk.pack(std::string("token"));
        pk.pack(f.a);
        pk.pack(std::string("group"));
        pk.pack(std::string("g1"));
        pk.pack(std::string("meta"));
        pk.pack(meta);
        return std::string(buf.data(), buf.size());
    };
    // Hashes (34 bytes each packed) up to ~200 bytes short of the frame, then
    // a name long enough to fill it to the byte.
    const auto with_hashes = [](std::size_t n) { return meta_for("n", n * uint64_t{files::kPieceSize}); };
    files::FileMeta meta = with_hashes(100000);
    meta = with_hashes(meta.piece_hashes.size() + (frame - 220 - pack(meta).size()) / 34);
    const std::size_t short_by = frame - pack(meta).size();
    REQUIRE((short_by > 32 && short_by < 250));
    meta.name = std::string(short_by, 'n');  // a str8 (2 bytes of header) where "n" was a fixstr (1)
    REQUIRE(pack(meta).size() == frame);

    const std::string request = pack(meta);
    auto env = decode_envelope(request);
    REQUIRE(env.ok());
    auto share = env->as<msg::ShareFile>();
    REQUIRE(share.ok());
    REQUIRE(files::check_meta(share->meta).ok());
    f.ok(*share);

    const std::string record = encode_command(*share);
    CHECK(record.size() > frame);
    auto back = decode_command(record);
    REQUIRE(back.ok());
    CHECK(encode_command(*back) == record);
}

namespace {
// The state as snapshots stored it before groups had files.
struct OldGroup {
    std::string owner;
    std::vector<std::string> members;
    std::vector<std::string> pending;
    MSGPACK_DEFINE_MAP(owner, members, pending);
};
struct OldState {
    std::map<std::string, User> users;
    std::map<std::string, Session> sessions;
    std::map<std::string, OldGroup> groups;
    MSGPACK_DEFINE_MAP(users, sessions, groups);
};
}  // namespace

TEST_CASE("a snapshot from before files loads with no files", "[machine][files][replay]") {
    OldState old;
    old.users["alice"] = User{"s", "h", 1};
    old.groups["g1"] = OldGroup{"alice", {"alice"}, {}};
    msgpack::sbuffer buf;
    msgpack::pack(buf, old);
    const State state = decode_state(std::string(buf.data(), buf.size()));
    REQUIRE(state.groups.count("g1") == 1);
    CHECK(state.groups.at("g1").owner == "alice");
    CHECK(state.groups.at("g1").files.empty());
}
