#pragma once
// Line editing, history and tab completion for the REPL when a person types
// at a terminal, through libedit's readline-compatible callback interface:
// the REPL's poll loop calls on_input() whenever stdin is readable, so the
// node keeps serving and printing notices while a line is being typed.
// Only made when stdin and stdout are terminals; scripts never meet it.
//
// Between lines (while a command runs) the editor does not read: the
// terminal keeps what is typed ahead, as a shell does, and the next prompt
// picks it up. libedit's readline layer is global state: one editor at a time.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2p::node {

class LineEditor {
public:
    struct Completion {
        bool paths = false;              // offer local paths
        std::vector<std::string> words;  // or these
    };
    using LineHandler = std::function<void(std::optional<std::string> line)>;  // nullopt: end of input
    using Completer = std::function<Completion(std::string_view line_before_word)>;

    // History is loaded from history_file (if there) and saved after every line.
    LineEditor(std::filesystem::path history_file, LineHandler on_line, Completer complete);
    ~LineEditor();
    LineEditor(const LineEditor&) = delete;
    LineEditor& operator=(const LineEditor&) = delete;

    // Shows the prompt and takes keys until a line is complete; the caller
    // watches stdin while reading() and stops when the line handler runs.
    void start_line();
    bool reading() const { return reading_; }
    void on_input();

    // Whole lines, printed above the line being typed, which is then drawn
    // again below them: a notice never lands in the middle of the input.
    void print(std::string_view lines);

    // Adds an entry to the history (kept to the last 1000).
    void remember(const std::string& entry);

private:
    static void line_done(char* line);
    void save_history() const;

    std::filesystem::path history_file_;
    LineHandler on_line_;
    bool reading_ = false;
    std::string last_entry_;
};

}  // namespace p2p::node
