#include "tracker/journal_actor.hpp"

#include <cstring>
#include <zmq_addon.hpp>

#include "actors/frames.hpp"
#include "actors/loop.hpp"
#include "tracker/storage/journal.hpp"
#include "tracker/storage/snapshot.hpp"

namespace p2p::tracker {

namespace {


void journal_body(zmq::socket_t& pipe, const std::filesystem::path& dir) {
    auto writer = storage::JournalWriter::open(dir / storage::kJournalFile);
    uint64_t last_seq = 0;
    uint64_t syncs = 0;
    actors::Loop loop;
    auto report_durable = [&](uint64_t seq) {
        zmq::multipart_t out;
        out.addstr("D");
        out.addtyp(seq);
        out.addtyp(syncs);
        out.send(pipe);
    };
    auto report_failure = [&](const std::exception& e) {
        zmq::multipart_t out;
        out.addstr("F");
        out.addstr(e.what());
        out.send(pipe);
        loop.stop();
    };
    loop.on(pipe, [&] {
        zmq::multipart_t msg;
        bool wrote = false;
        try {
            while (msg.recv(pipe, static_cast<int>(zmq::recv_flags::dontwait))) {
                const auto verb = msg.size() > 0 ? msg[0].to_string_view() : std::string_view{};
                if (verb == actors::kTerm) {
                    if (writer.buffered() > 0) writer.sync();
                    loop.stop();
                    return;
                }
                if (msg.size() != 3) continue;
                const uint64_t seq = actors::frame_number<uint64_t>(msg[1]);
                if (verb == "A") {
                    writer.append(seq, msg[2].to_string_view());
                    last_seq = seq;
                    wrote = true;
                } else if (verb == "S") {
                    // Every record up to seq must be durable before the journal
                    // that holds them is emptied.
                    if (writer.buffered() > 0) writer.sync();
                    storage::write_snapshot(dir, seq, msg[2].to_string_view());
                    writer.truncate_all();
                } else if (verb == "I") {
                    // Journal first: a crash between the two steps then leaves an
                    // older snapshot with an empty journal (stale, and resynced
                    // on the next start), never the new snapshot followed by
                    // records of a diverged history.
                    writer.reset_to(seq);
                    storage::write_snapshot(dir, seq, msg[2].to_string_view());
                    last_seq = seq;
                    // Reported on its own: the standby counts itself synced
                    // exactly when this snapshot is on disk.
                    report_durable(seq);
                }
                msg.clear();
            }
            if (wrote) {
                writer.sync();
                ++syncs;
                report_durable(last_seq);
            }
        } catch (const std::exception& e) {
            report_failure(e);
        }
    });
    actors::signal_ready(pipe);
    loop.run();
}

}  // namespace

JournalActor::JournalActor(zmq::context_t& ctx, std::filesystem::path dir)
    : actor_(ctx, "journal", [dir](zmq::socket_t& pipe) { journal_body(pipe, dir); }) {}

void JournalActor::append(uint64_t seq, const std::string& payload) { send("A", seq, payload); }

void JournalActor::snapshot(uint64_t seq, const std::string& state_bytes) { send("S", seq, state_bytes); }

void JournalActor::install(uint64_t seq, const std::string& state_bytes) { send("I", seq, state_bytes); }

void JournalActor::send(const char* verb, uint64_t seq, const std::string& bytes) {
    zmq::multipart_t msg;
    msg.addstr(verb);
    msg.addtyp(seq);
    msg.addstr(bytes);
    msg.send(actor_.pipe());
}

bool JournalActor::receive(Report& out) {
    zmq::multipart_t msg;
    if (!msg.recv(actor_.pipe(), static_cast<int>(zmq::recv_flags::dontwait))) return false;
    if (msg.size() >= 2 && msg[0].to_string_view() == "F") {
        out.failed = true;
        out.reason = msg[1].to_string();
    } else if (msg.size() == 3 && msg[0].to_string_view() == "D") {
        out.durable_seq = actors::frame_number<uint64_t>(msg[1]);
        out.syncs = actors::frame_number<uint64_t>(msg[2]);
    }
    return true;
}

}  // namespace p2p::tracker
