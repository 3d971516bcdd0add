#include "node/line_editor.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>

// libedit's own header: the compiler also sees GNU readline's <readline/...>.
#include <editline/readline.h>

namespace p2p::node {

namespace {

constexpr const char* kPrompt = "> ";
constexpr int kPromptWidth = 2;
constexpr int kHistoryLines = 1000;

LineEditor* g_editor = nullptr;
bool g_end_of_input = false;
LineEditor::Completer g_complete;
bool g_ansi = true;  // the terminal understands cursor-up and clear-down

// libedit's default reader sees end of file as "nothing typed" and never
// tells the caller; ours notes it, so a closed terminal ends the REPL.
int read_key(FILE*) {
    unsigned char c = 0;
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n == 1) return c;
        if (n < 0 && errno == EINTR) continue;
        g_end_of_input = true;
        return EOF;
    }
}

// Completion candidates live here between libedit's calls of next_match.
std::vector<std::string> g_matches;
std::size_t g_next_match = 0;

char* next_match(const char*, int state) {
    if (state == 0) g_next_match = 0;
    if (g_next_match >= g_matches.size()) return nullptr;
    return ::strdup(g_matches[g_next_match++].c_str());
}

// libedit redraws the prompt and the input from where the cursor is: first
// go back to the row the prompt is on (the input may wrap) and clear down.
// `point` is where the cursor is on the screen now.
void clear_input(int point) {
    if (!g_ansi) {  // a dumb terminal: the redrawn line goes below instead
        std::cout << '\n' << std::flush;
        return;
    }
    int rows = 0, cols = 0;
    rl_get_screen_size(&rows, &cols);
    const int up = cols > 0 ? (kPromptWidth + point) / cols : 0;
    std::cout << '\r';
    if (up > 0) std::cout << "\033[" << up << 'A';
    std::cout << "\033[J" << std::flush;
}

void redraw_input(int point) {
    clear_input(point);
    rl_forced_update_display();
}

// Called by libedit for Tab. One candidate is inserted here, followed by a
// space (a '/' after a directory): libedit (3.1-20221030) beeps even when
// it completes a word by itself. Several go back to libedit, which inserts
// their common prefix and lists them at the second Tab.
char** complete_word(const char* text, int start, int) {
    rl_attempted_completion_over = 1;  // no fallback to libedit's own file names
    const auto c = g_complete(std::string_view(rl_line_buffer, static_cast<std::size_t>(start)));
    g_matches.clear();
    if (c.paths) {
        for (int state = 0; char* path = rl_filename_completion_function(text, state); ++state) {
            g_matches.emplace_back(path);
            std::free(path);
        }
    } else {
        for (const auto& w : c.words) {
            if (w.rfind(text, 0) == 0) g_matches.push_back(w);
        }
    }
    if (g_matches.size() == 1 && g_matches[0].rfind(text, 0) == 0) {
        std::error_code ec;
        const bool dir = c.paths && std::filesystem::is_directory(g_matches[0], ec);
        const std::string rest = g_matches[0].substr(std::strlen(text)) + (dir ? "/" : " ");
        const int point = rl_point;
        rl_insert_text(rest.c_str());
        redraw_input(point);
        return nullptr;
    }
    return rl_completion_matches(text, next_match);
}

}  // namespace

LineEditor::LineEditor(std::filesystem::path history_file, LineHandler on_line, Completer complete)
    : history_file_(std::move(history_file)), on_line_(std::move(on_line)) {
    if (g_editor) throw std::logic_error("one LineEditor at a time");
    g_editor = this;
    g_complete = std::move(complete);
    const char* term = std::getenv("TERM");
    g_ansi = term && *term && std::strcmp(term, "dumb") != 0;
    rl_readline_name = "p2pshare";  // for ~/.editrc
    rl_getc_function = read_key;
    // Words are what the command parser splits on, nothing else.
    rl_basic_word_break_characters = " \t";
    rl_attempted_completion_function = complete_word;
    rl_initialize();
    using_history();
    stifle_history(kHistoryLines);
    read_history(history_file_.c_str());
}

LineEditor::~LineEditor() {
    if (reading_) {
        rl_callback_handler_remove();
        // Leave the shell's prompt a line of its own.
        std::cout << '\n' << std::flush;
    }
    g_editor = nullptr;
    g_complete = nullptr;
}

void LineEditor::start_line() {
    if (reading_ || g_end_of_input) return;
    reading_ = true;
    rl_callback_handler_install(kPrompt, line_done);
}

void LineEditor::on_input() {
    if (!reading_) return;
    rl_callback_read_char();
    if (g_end_of_input && reading_) line_done(nullptr);
}

// libedit has left raw mode when it calls this (the line is complete).
void LineEditor::line_done(char* line) {
    LineEditor& self = *g_editor;
    self.reading_ = false;
    std::optional<std::string> text;
    if (line) {
        text = line;
        std::free(line);
    } else {
        g_end_of_input = true;
        rl_callback_handler_remove();
        std::cout << '\n' << std::flush;
    }
    self.on_line_(std::move(text));
}

void LineEditor::print(std::string_view lines) {
    if (!reading_) {
        std::cout << lines << std::flush;
        return;
    }
    clear_input(rl_point);
    std::cout << lines << std::flush;
    rl_forced_update_display();
}

void LineEditor::remember(const std::string& entry) {
    if (entry == last_entry_) return;
    last_entry_ = entry;
    add_history(entry.c_str());
    save_history();
}

// Saved whole after each line (at most 1000 short lines), through a temp file,
// so that a node killed mid-write keeps the previous history.
void LineEditor::save_history() const {
    const std::string tmp = history_file_.string() + ".tmp";
    if (write_history(tmp.c_str()) != 0) return;
    ::chmod(tmp.c_str(), 0600);  // commands name users, groups and paths
    std::error_code ec;
    std::filesystem::rename(tmp, history_file_, ec);
}

}  // namespace p2p::node
