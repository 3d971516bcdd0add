// What the REPL prints for file replies and file events (node/tracker_text.hpp).
#include <catch2/catch.hpp>

#include "messages/envelope.hpp"
#include "messages/file_protocol.hpp"
#include "node/tracker_text.hpp"

using namespace p2p;
using p2p::node::notice_line;
using p2p::node::reply_lines;

namespace {

template <class T>
std::vector<std::string> lines_for(const T& reply) {
    auto env = decode_envelope(encode(1, reply));
    REQUIRE(env.ok());
    return reply_lines(*env);
}

constexpr uint64_t kMiB = 1024 * 1024;

}  // namespace

TEST_CASE("list_files output: one line per file with a human size", "[text][files]") {
    msg::FileList list;
    list.files.push_back(msg::FileSummary{"movie.bin", 64 * kMiB, 2, 1, 3});
    list.files.push_back(msg::FileSummary{"notes.txt", 512, 0, 0, 1});
    list.files.push_back(msg::FileSummary{"big.iso", 3 * 512 * kMiB, 1, 1, 1});
    list.files.push_back(msg::FileSummary{"empty", 0, 1, 1, 1});
    list.files.push_back(msg::FileSummary{"k", 1536, 1, 0, 1});
    CHECK(lines_for(list) == std::vector<std::string>{
                                 "movie.bin size=67108864 (64.0 MiB) sources=2 complete=1",
                                 "notes.txt size=512 (512 B) sources=0 complete=0",
                                 "big.iso size=1610612736 (1.5 GiB) sources=1 complete=1",
                                 "empty size=0 (0 B) sources=1 complete=1",
                                 "k size=1536 (1.5 KiB) sources=1 complete=0",
                             });
    CHECK(lines_for(msg::FileList{}) == std::vector<std::string>{"no files shared in this group yet"});
}

TEST_CASE("file details and source lists get a one-line summary", "[text][files]") {
    msg::FileDetails d;
    d.group = "g1";
    d.meta.name = "movie.bin";
    d.meta.size = 64 * kMiB;
    d.sources = {msg::Source{"alice", "127.0.0.1:7001", true}, msg::Source{"bob", "127.0.0.1:7002", false}};
    CHECK(lines_for(d) == std::vector<std::string>{"movie.bin in g1: 64.0 MiB, 2 sources online"});
    msg::SourceList s{"g1", "movie.bin", {msg::Source{"alice", "127.0.0.1:7001", true}}, {}};
    CHECK(lines_for(s) == std::vector<std::string>{"movie.bin in g1: 1 source online"});
}

TEST_CASE("file notices on a group topic, not for one's own actions", "[text][files]") {
    msg::TrackerEvent added{msg::event::kFileAdded, "g1", "bob", "", "movie.bin"};
    msg::TrackerEvent removed{msg::event::kFileRemoved, "g1", "bob", "", "movie.bin"};
    CHECK(notice_line(added, "group.g1", "alice") == "notice: bob shared movie.bin in g1");
    CHECK(notice_line(removed, "group.g1", "alice") == "notice: movie.bin is no longer shared in g1");
    CHECK_FALSE(notice_line(added, "group.g1", "bob").has_value());
    CHECK_FALSE(notice_line(removed, "group.g1", "bob").has_value());
    // Not on a personal topic.
    CHECK_FALSE(notice_line(added, "user.alice", "alice").has_value());
}
