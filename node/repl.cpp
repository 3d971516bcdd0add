#include "node/repl.hpp"

#include <unistd.h>

#include <cstring>
#include <iostream>

#include "actors/frames.hpp"
#include "actors/log.hpp"
#include "messages/file_protocol.hpp"
#include "messages/names.hpp"
#include "messages/tracker_protocol.hpp"
#include "node/files/boot_id.hpp"
#include "node/tracker_text.hpp"

namespace p2p::node {

Repl::Repl(zmq::context_t& ctx, TrackerSession& session, actors::Actor& engine, NodeIdentity identity,
           bool interactive)
    : ctx_(ctx),
      session_(session),
      engine_(engine),
      identity_(std::move(identity)),
      store_(identity_.data_dir),
      interactive_(interactive),
      boot_id_(files::current_boot_id()) {}

Repl::~Repl() = default;

void Repl::print(const std::string& line) {
    if (line.rfind("notice: ", 0) == 0) logging::info("repl", line);
    if (line.rfind("error: ", 0) == 0) logging::debug("repl", line);
    print_text(line + '\n');
}

void Repl::print_text(const std::string& lines) {
    if (editor_) return editor_->print(lines);
    std::cout << lines << std::flush;
}

void Repl::prompt() {
    if (!interactive_ || busy_ || !lines_.empty() || quitting_) return;
    if (!editor_) {
        std::cout << "> " << std::flush;
    } else if (!editor_->reading()) {
        editor_->start_line();  // not after the end of input
        if (editor_->reading()) loop_->on_fd(STDIN_FILENO, [this] { editor_->on_input(); });
    }
}

int Repl::run(int stop_fd) {
    actors::Loop loop;
    loop_ = &loop;
    if (interactive_ && ::isatty(STDOUT_FILENO) == 1) {
        editor_ = std::make_unique<LineEditor>(
            identity_.data_dir / "history", [this](std::optional<std::string> line) { edited_line(std::move(line)); },
            [this](std::string_view before) { return complete(before); });
    } else {
        loop.on_fd(STDIN_FILENO, [this] { read_stdin(); });
    }
    loop.on_fd(stop_fd, [this] { begin_quit(); });
    loop.on(session_.pipe(), [this] { handle_session(); });
    loop.on(engine_.pipe(), [this] { handle_engine(); });
    prompt();
    loop.run();
    editor_.reset();
    loop_ = nullptr;
    return 0;
}

// The editor reads one line at a time: stdin is watched again at the next prompt.
void Repl::edited_line(std::optional<std::string> line) {
    loop_->remove_fd(STDIN_FILENO);
    if (!line) {
        input_closed_ = true;
    } else {
        if (auto entry = history_entry(*line)) editor_->remember(*entry);
        lines_.push_back(std::move(*line));
    }
    if (!busy_) next_line();
}

LineEditor::Completion Repl::complete(std::string_view line_before_word) const {
    const CompletionSlot slot = completion_slot(line_before_word);
    if (slot.kind == "PATH" || slot.kind == "DEST_DIR") return {true, {}};
    if (slot.kind != "COMMAND") return {false, known_.candidates(slot)};
    LineEditor::Completion names;
    for (const auto& spec : command_specs()) names.words.emplace_back(spec.name);
    return names;
}

void Repl::read_stdin() {
    char buf[65536];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
        loop_->remove_fd(STDIN_FILENO);
        input_closed_ = true;
        if (!busy_) next_line();
        return;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial_.find('\n')) != std::string::npos) {
        lines_.push_back(partial_.substr(0, nl));
        partial_.erase(0, nl + 1);
    }
    if (!busy_) next_line();
}

// Runs queued lines until one has to wait (then its reply continues).
void Repl::next_line() {
    while (!busy_ && !quitting_) {
        if (lines_.empty()) {
            if (input_closed_) {
                if (!partial_.empty()) {
                    lines_.push_back(std::move(partial_));
                    partial_.clear();
                    continue;
                }
                begin_quit();
            }
            break;
        }
        const std::string line = std::move(lines_.front());
        lines_.pop_front();
        if (auto entry = history_entry(line)) logging::debug("repl", "command: ", *entry);
        auto parsed = parse_command(line);
        if (!parsed) {
            print("error: " + parsed.error());
        } else if (!parsed->name.empty()) {
            execute(*parsed);
        }
    }
    prompt();
}

void Repl::command_done() {
    busy_ = false;
    if (quitting_) {
        quitting_ = false;
        begin_quit();
        return;
    }
    next_line();
}

// The engine pauses every download and serves nothing until the next login.
void Repl::forget_session() {
    stop_share_proof();
    user_.clear();
    engine_send("RESET");
    known_.forget_all();
    download_clocks_.clear();
}

void Repl::engine_send(const char* op, const std::string& body) {
    zmq::multipart_t m;
    m.addstr(op);
    if (!body.empty()) m.addstr(body);
    m.send(engine_.pipe());
}

void Repl::execute(const ParsedCommand& cmd) {
    current_ = cmd;
    const auto& a = cmd.args;
    const std::string& name = cmd.name;
    if (name == "help") {
        if (a.empty()) return print_text(help_text());
        auto text = help_text(a[0]);
        return text ? print_text(*text) : print("error: " + text.error());
    }
    if (name == "quit") return begin_quit();
    if (name == "create_user" || name == "login") {
        if (auto bad = check_name("user", a[0])) return print("error: " + *bad);
        if (auto bad = check_password(a[1])) return print("error: " + *bad);
        if (name == "create_user") return ask(name, msg::CreateUser{a[0], a[1]});
        if (!user_.empty()) {
            return print("error: already logged in as " + user_ + " on this node; logout first");
        }
        return ask(name, msg::Login{a[0], a[1], identity_.node_id, identity_.endpoint}, [this](const Envelope& r) {
            for (const auto& line : reply_lines(r)) print(line);
            if (r.kind() == Kind::LoginOk) {
                user_ = r.as<msg::LoginOk>()->user;
                after_login();
            }
        });
    }
    if (user_.empty()) return print("error: not logged in: use login USER PASSWORD first");
    if (name == "logout") {
        return ask(name, msg::Logout{}, [this](const Envelope& r) {
            for (const auto& line : reply_lines(r)) print(line);
            if (r.kind() == Kind::Ok) forget_session();
        });
    }
    if (name == "list_groups") return ask(name, msg::ListGroups{});
    if (name == "show_downloads" || name == "show_uploads" || name == "list_files" || name == "upload_file" ||
        name == "download_file" || name == "stop_share") {
        return execute_file_command(cmd);
    }
    if (auto bad = check_name("group", a[0])) return print("error: " + *bad);
    if (name == "create_group") return ask(name, msg::CreateGroup{{}, a[0]});
    if (name == "join_group") return ask(name, msg::JoinGroup{{}, a[0]});
    if (name == "leave_group") {
        return ask(name, msg::LeaveGroup{{}, a[0]}, [this, group = a[0]](const Envelope& r) {
            for (const auto& line : reply_lines(r)) print(line);
            if (r.kind() != Kind::Ok) return;
            // The tracker dropped this user's shares in the group: stop serving them.
            for (const auto& s : store_.shares(user_)) {
                if (s.group == group) {
                    store_.remove(user_, group, s.meta.name);
                    engine_send("UNSERVE", pack_body(s));
                }
            }
        });
    }
    if (name == "list_requests") return ask(name, msg::ListRequests{{}, a[0]});
    if (auto bad = check_name("user", a[1])) return print("error: " + *bad);
    if (name == "accept_request") return ask(name, msg::AcceptRequest{{}, a[0], a[1]});
    if (name == "reject_request") return ask(name, msg::RejectRequest{{}, a[0], a[1]});
    print("error: '" + name + "' is not handled");
}

void Repl::handle_session() {
    zmq::multipart_t m;
    while (m.recv(session_.pipe(), static_cast<int>(zmq::recv_flags::dontwait))) {
        const auto verb = m.size() > 0 ? m[0].to_string() : std::string();
        if (verb == "REP" && m.size() == 3) {
            on_reply(actors::frame_number<uint64_t>(m[1]), m[2].to_string());
        } else if (verb == "EVENT" && m.size() == 3) {
            auto env = decode_envelope(m[2].data(), m[2].size());
            if (!env) continue;
            auto event = env->as<msg::TrackerEvent>();
            if (!event) continue;
            revoke_on(*event);
            known_.learn(*event);
            if (auto line = notice_line(*event, m[1].to_string(), user_)) print(*line);
        } else if (verb == "KEY" && m.size() == 2) {
            engine_send("KEY", m[1].to_string());
        } else if (verb == "SWITCHED" && m.size() == 2) {
            print("notice: " + m[1].to_string());
            if (!user_.empty()) announce_shares();
        } else if (verb == "LOST" && m.size() == 2) {
            print("notice: logged out by the tracker: " + m[1].to_string());
            forget_session();
        }
        m.clear();
    }
}

// The piece server must stop serving a member who left at once, not when
// that member's ticket expires; a member who (re)joins is served again.
void Repl::revoke_on(const msg::TrackerEvent& e) {
    if (e.type == msg::event::kMemberLeft) {
        engine_.pipe().send(zmq::str_buffer("REVOKE"), zmq::send_flags::sndmore);
    } else if (e.type == msg::event::kMemberJoined) {
        engine_.pipe().send(zmq::str_buffer("UNREVOKE"), zmq::send_flags::sndmore);
    } else {
        return;
    }
    engine_.pipe().send(zmq::buffer(e.group), zmq::send_flags::sndmore);
    engine_.pipe().send(zmq::buffer(e.user), zmq::send_flags::none);
}

void Repl::on_reply(uint64_t tag, const std::string& bytes) {
    auto it = waiting_.find(tag);
    if (it == waiting_.end()) return;
    ReplyHandler handler = std::move(it->second);
    waiting_.erase(it);
    auto env = decode_envelope(bytes);
    if (!env) {
        auto fallback = decode_envelope(encode(0, msg::Error{"bad_reply", "unreadable reply: " + env.error()}));
        handler(*fallback);
        return;
    }
    handler(*env);
}

// Logs out first so that the user may log in elsewhere at once.
void Repl::begin_quit() {
    if (quitting_) return;
    quitting_ = true;
    if (busy_) return;  // command_done() comes back here
    if (user_.empty()) {
        loop_->stop();
        return;
    }
    busy_ = true;
    send(msg::Logout{}, [this](const Envelope&) {
        forget_session();
        loop_->stop();
    });
}

}  // namespace p2p::node
