#pragma once
// The node's REPL: reads commands from stdin, one at a time, and prints one
// result per line. Runs on the main thread as the parent of the node's
// actors (tracker session, transfer engine) and relays between them: the
// engine asks for sources and announcements, the session answers.
//
// Lines typed while a command is in flight wait their turn, so a script
// piped into the node gets its answers in order. A "> " prompt appears only
// when stdin is a terminal; when stdout is one too, a LineEditor adds line
// editing, history and completion, and nothing else changes.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/loop.hpp"
#include "node/commands.hpp"
#include "node/engine/engine_protocol.hpp"
#include "node/known_names.hpp"
#include "node/line_editor.hpp"
#include "node/node_identity.hpp"
#include "node/share_store.hpp"
#include "node/tracker_text.hpp"
#include "node/tracker_session.hpp"

namespace p2p::node {

// When a download started in this run and what it had to fetch: its end
// notice tells how long it took and how fast it went.
struct DownloadClock {
    std::chrono::steady_clock::time_point started;
    uint64_t to_fetch = 0;  // bytes not on disk at the start
};

class Repl {
public:
    Repl(zmq::context_t& ctx, TrackerSession& session, actors::Actor& engine, NodeIdentity identity,
         bool interactive);
    ~Repl();
    // Runs until quit, end of input or stop_fd; returns the exit code.
    int run(int stop_fd);

private:
    using ReplyHandler = std::function<void(const Envelope&)>;

    void read_stdin();
    void edited_line(std::optional<std::string> line);
    LineEditor::Completion complete(std::string_view line_before_word) const;
    void next_line();
    void execute(const ParsedCommand& cmd);
    void execute_file_command(const ParsedCommand& cmd);
    void handle_session();
    void handle_engine();
    void on_reply(uint64_t tag, const std::string& bytes);
    void command_done();
    void begin_quit();
    void print(const std::string& line);
    void print_text(const std::string& lines);  // several lines, each ending in '\n'
    void prompt();

    // A request whose reply goes to handler (internal: no command waits).
    template <class T>
    void send(const T& request, ReplyHandler handler);
    // A user command's request: the REPL waits for it; then() prints.
    template <class T>
    void ask(const std::string& command, const T& request, ReplyHandler then = {});

    void after_login();
    void revoke_on(const msg::TrackerEvent& e);
    void forget_session();
    void announce_shares();
    void announce_share(const ServeFile& share);
    void prove_shares(std::vector<ServeFile> shares);
    void share_proved(const ServeFile& share, const std::string& mismatch);
    void stop_share_proof();
    void upload(const std::string& path, const std::string& group);
    void uploaded(const std::string& group, const std::string& path, const std::string& packed_meta_or_error);
    void download(const std::string& group, const std::string& name, const std::string& dest);
    void start_download(const StartDownload& start);
    void engine_send(const char* op, const std::string& body = {});

    zmq::context_t& ctx_;
    TrackerSession& session_;
    actors::Actor& engine_;
    NodeIdentity identity_;
    ShareStore store_;
    bool interactive_;
    std::unique_ptr<LineEditor> editor_;
    KnownNames known_;
    ParsedCommand current_;  // the command being executed
    actors::Loop* loop_ = nullptr;
    std::string partial_;
    std::deque<std::string> lines_;
    bool input_closed_ = false;
    bool busy_ = false;
    bool quitting_ = false;
    std::string engine_wait_;  // "STATUS"/"UPLOADS" while a command waits for the engine
    std::unique_ptr<actors::Actor> hash_job_;
    // Reading back downloads finished before a machine restart (share_proof.hpp).
    std::unique_ptr<actors::Actor> share_proof_;
    std::vector<ServeFile> proving_;
    const std::string boot_id_;
    bool chained_ = false;  // set by a reply handler that sent a follow-up request
    uint64_t next_tag_ = 1;
    std::map<uint64_t, ReplyHandler> waiting_;
    std::string user_;  // logged-in user, as the tracker confirmed
    // Downloads started in this run, by "group/name".
    std::optional<DownloadClock> take_download_clock(const std::string& group, const std::string& name);
    std::map<std::string, DownloadClock> download_clocks_;
};

template <class T>
void Repl::send(const T& request, ReplyHandler handler) {
    const uint64_t tag = next_tag_++;
    waiting_[tag] = std::move(handler);
    session_.request(tag, request);
}

template <class T>
void Repl::ask(const std::string&, const T& request, ReplyHandler then) {
    busy_ = true;
    send(request, [this, then](const Envelope& reply) {
        known_.learn(current_, reply);
        chained_ = false;
        if (then) {
            then(reply);
        } else {
            for (const auto& line : reply_lines(reply)) print(line);
        }
        if (!chained_) command_done();
    });
}

}  // namespace p2p::node
