#pragma once
// The node's REPL: reads commands from stdin, one at a time, and prints one
// result per line. Runs on the main thread as the parent of the node's
// actors; it owns no sockets of its own beyond their pipes.
//
// Lines typed while a command is in flight wait their turn, so a script
// piped into the node gets its answers in order. A "> " prompt appears only
// when stdin is a terminal.
#include <deque>
#include <string>

#include "actors/loop.hpp"
#include "node/commands.hpp"
#include "node/node_identity.hpp"
#include "node/tracker_session.hpp"

namespace p2p::node {

class Repl {
public:
    Repl(TrackerSession& session, NodeIdentity identity, bool interactive);
    // Runs until quit, end of input or stop_fd; returns the exit code.
    int run(int stop_fd);

private:
    void read_stdin();
    void next_line();
    void execute(const ParsedCommand& cmd);
    void handle_session();
    void on_reply(uint64_t tag, const std::string& bytes);
    void begin_quit();
    template <class T>
    void ask(const std::string& command, const T& request);
    void print(const std::string& line);
    void prompt();

    TrackerSession& session_;
    NodeIdentity identity_;
    bool interactive_;
    actors::Loop* loop_ = nullptr;
    std::string partial_;
    std::deque<std::string> lines_;
    bool input_closed_ = false;
    bool busy_ = false;
    bool quitting_ = false;
    std::string busy_command_;
    uint64_t next_tag_ = 1;
    std::string user_;  // logged-in user, as the tracker confirmed
};

}  // namespace p2p::node
