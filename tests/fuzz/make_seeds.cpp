// Writes the seed corpora (tests/fuzz/corpus/<target>/) from the project's
// own encoders, so that every seed is a real, valid input the fuzzer then
// mutates. Usage: make_seeds DIR (normally tests/fuzz/corpus).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "messages/envelope.hpp"
#include "messages/peer_protocol.hpp"
#include "messages/process_events.hpp"
#include "messages/ticket.hpp"
#include "node/engine/engine_protocol.hpp"
#include "node/files/resume_record.hpp"
#include "sample_history.hpp"
#include "tracker/core/machine.hpp"
#include "tracker/storage/crc32c.hpp"
#include "tracker/storage/file_io.hpp"

using namespace p2p;
namespace fs = std::filesystem;

namespace {

// Raw-mode prefix of the checksummed targets (fuzz_support.hpp): odd = as is.
constexpr char kAsIs = '\x01';
constexpr char kRepair = '\x00';

fs::path out_dir;

void write(const std::string& target, const std::string& name, std::string_view bytes) {
    const auto dir = out_dir / target;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

msg::Ticket signed_ticket(const files::FileMeta& meta) {
    msg::Ticket t{"bob", "physics", meta.file_id, 4102444800, {}};
    sign_ticket(ticket_key_from_private(std::string(32, '\x42')), t);
    return t;
}

void envelopes(const files::FileMeta& meta) {
    const auto ticket = signed_ticket(meta);
    const msg::Source source{"alice", "127.0.0.1:7000", true};
    const std::string tok = "0123456789abcdef0123456789abcdef";
    int n = 0;
    const auto put = [&](const auto& m) { write("envelope", std::string(kind_name(m.kind)), encode(++n, m)); };
    put(msg::Ok{"done"});
    put(msg::Error{"not_member", "you are not a member of physics"});
    put(msg::Hello{msg::kProtocolVersion, "node-1234"});
    put(msg::HelloOk{msg::kProtocolVersion, 1, "primary", std::string(32, 'k')});
    put(msg::CreateUser{"alice", "wonderland"});
    put(msg::Login{"alice", "wonderland", "node-1234", "127.0.0.1:7000"});
    put(msg::LoginOk{tok, "alice", {"physics", "chem"}});
    put(msg::Logout{tok});
    put(msg::CreateGroup{tok, "physics"});
    put(msg::JoinGroup{tok, "physics"});
    put(msg::LeaveGroup{tok, "physics"});
    put(msg::ListRequests{tok, "physics"});
    put(msg::UserList{{"bob", "carol"}});
    put(msg::AcceptRequest{tok, "physics", "bob"});
    put(msg::RejectRequest{tok, "physics", "carol"});
    put(msg::ListGroups{tok});
    put(msg::GroupList{{{"physics", "alice", 2, "owner"}, {"chem", "bob", 1, ""}}});
    put(msg::Heartbeat{tok});
    put(msg::ShareFile{tok, "physics", meta, true});
    put(msg::StopShare{tok, "physics", meta.name});
    put(msg::ListFiles{tok, "physics"});
    put(msg::FileList{{{meta.name, meta.size, 1, 1, 2}}});
    put(msg::GetFile{tok, "physics", meta.name});
    put(msg::FileDetails{"physics", meta, {source}, ticket});
    put(msg::GetSources{tok, "physics", meta.name});
    put(msg::SourceList{"physics", meta.name, {source}, ticket});
    put(msg::HaveRequest{msg::kPeerProtocolVersion, ticket});
    put(msg::HaveReply{meta.file_id, "\xe0", 0});
    put(msg::HaveReply{meta.file_id, "\xe0", 40123});
    put(msg::PieceRequest{msg::kPeerProtocolVersion, ticket, 2, {}, {}});
    put(msg::PieceRequest{msg::kPeerProtocolVersion, ticket, 2, "c" + std::string(15, 'x'), std::string(32, 'k')});
    put(msg::PieceReply{meta.file_id, 2, {}});
    put(msg::PieceReply{meta.file_id, 2, std::string(12, 'n')});
    put(msg::TrackerEvent{msg::event::kFileAdded, "physics", "alice", "", meta.name});
    put(msg::ProcessEvent{msg::process_event::kDownloadProgress, "node-127.0.0.1:7000", "", "", "", "physics",
                          meta.name, 17, 128, 48000000, 3});
    put(tracker::StoredCreateUser{"alice", std::string(16, 's'), std::string(32, 'h'), 100000});
    put(tracker::StoredOpenSession{tok, "alice", "node-1234", "127.0.0.1:7000"});
    put(tracker::StoredCloseSession{tok, "stopped heartbeating"});
}

std::string journal_of(const std::vector<tracker::Command>& commands, uint64_t first_seq) {
    std::string out;
    uint64_t seq = first_seq;
    for (const auto& c : commands) {
        const std::string payload = tracker::encode_command(c);
        std::string seq_bytes;
        storage::io::put_u64(seq_bytes, seq++);
        storage::io::put_u32(out, static_cast<uint32_t>(8 + payload.size()));
        storage::io::put_u32(out, storage::crc32c(payload.data(), payload.size(), storage::crc32c(seq_bytes.data(), 8)));
        out += seq_bytes;
        out += payload;
    }
    return out;
}

std::string snapshot_file(uint64_t seq, std::string_view payload) {
    std::string file("P2PSNAP1");
    storage::io::put_u64(file, seq);
    storage::io::put_u64(file, payload.size());
    storage::io::put_u32(file, storage::crc32c(payload.data(), payload.size(), storage::crc32c(file.data() + 8, 16)));
    file += payload;
    return file;
}

// Applied to a real state machine, so the snapshot seeds hold a state the
// tracker could have reached.
void tracker_files() {
    auto commands = fuzz::sample_history();
    for (auto& c : fuzz::sample_endings()) commands.push_back(std::move(c));
    for (std::size_t i = 0; i < commands.size(); ++i) {
        write("command", "command-" + std::to_string(i), tracker::encode_command(commands[i]));
    }
    const std::string journal = journal_of(commands, 1);
    write("journal", "whole", kAsIs + journal);
    write("journal", "torn-tail", kAsIs + journal.substr(0, journal.size() - 5));
    write("journal", "repair-first-three", kRepair + journal_of({commands.begin(), commands.begin() + 3}, 7));

    tracker::State state;
    for (const auto& c : commands) tracker::apply(state, c);
    const std::string bytes = tracker::encode_state(state);
    write("snapshot", "state", kAsIs + snapshot_file(commands.size(), bytes));
    write("snapshot", "repair-state", kRepair + bytes);
    write("snapshot", "empty-state", kAsIs + snapshot_file(0, tracker::encode_state({})));
}

void resume_records(const files::FileMeta& meta) {
    files::ResumeRecord r{"physics", meta, "/tmp/in", std::string(files::bitfield_bytes(meta.piece_hashes.size()), '\0'),
                          7};
    r.have[0] = '\xa0';
    const std::string file = files::encode_resume(r);
    write("resume", "record", kAsIs + file);
    write("resume", "repair-record", kRepair + file.substr(files::kResumeHeaderBytes));
    write("shares", "two", node::pack_body(std::vector<node::ServeFile>{{"physics", "/data/run42.bin", meta},
                                                                         {"chem", "/data/empty", fuzz::sample_meta("empty", 0)}}));
}

void texts() {
    write("bitfield", "three-of-eleven", std::string("\x05\xa0\x40", 3));
    write("bitfield", "all-sixteen", std::string("\x00\xff\xff", 3));
    write("bitfield", "string", std::string("\x00") + "0110100111");

    write("tracker_info", "one", "127.0.0.1:6000          # tracker 1; events on 6001\n");
    write("tracker_info", "two", "# trackers\n127.0.0.1:6000 pub=6100\r\nlocalhost:6002\tkey=abc curve=x=y\n\n");

    write("repl_command", "login", "login alice my secret pass");
    write("repl_command", "download", "download_file physics run42.bin /tmp/in");
    write("repl_command", "accept", "  accept_request\tphysics bob  ");
    write("repl_command", "comment", "# nothing");

    const std::string event = encode(0, msg::TrackerEvent{msg::event::kJoinRequested, "physics", "bob", "", ""});
    write("monitor", "event", std::string("\x02\x0dgroup.physics", 15) + event);
    write("monitor", "binary-topic", std::string("\x02\x03\x1b[2", 5) + event);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seeds DIR\n";
        return 2;
    }
    out_dir = argv[1];
    const auto meta = fuzz::sample_meta();
    envelopes(meta);
    tracker_files();
    resume_records(meta);
    texts();
    return 0;
}
