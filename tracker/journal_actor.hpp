#pragma once
// The journal writer as an actor, so that fsync never blocks the tracker's
// request loop. Group commit falls out of the pipe: the actor drains every
// record waiting in its pipe, then syncs once and reports the highest
// durable seq; while it syncs, more records queue up for the next round.
//
// Pipe protocol:
//   in:  "A" [seq (u64)] [payload]        append a command record
//        "S" [seq (u64)] [state bytes]    snapshot at seq, then empty the journal
//        "I" [seq (u64)] [state bytes]    install: drop the journal, take this
//                                         snapshot as the whole history (a standby)
//   out: "D" [seq (u64)]                  every record up to seq is on disk
//        "F" [reason]                     the disk failed; the tracker must stop
#include <cstdint>
#include <filesystem>
#include <string>

#include <zmq.hpp>

#include "actors/actor.hpp"

namespace p2p::tracker {

class JournalActor {
public:
    JournalActor(zmq::context_t& ctx, std::filesystem::path dir);
    void append(uint64_t seq, const std::string& payload);
    void snapshot(uint64_t seq, const std::string& state_bytes);
    void install(uint64_t seq, const std::string& state_bytes);
    zmq::socket_t& pipe() { return actor_.pipe(); }

    struct Report {
        bool failed = false;
        uint64_t durable_seq = 0;
        std::string reason;
        uint64_t syncs = 0;  // how many fsyncs so far (to report records per fsync)
    };
    bool receive(Report& out);

private:
    void send(const char* verb, uint64_t seq, const std::string& bytes);
    actors::Actor actor_;
};

}  // namespace p2p::tracker
