#pragma once
// Output helpers: an aligned text table for people, one-line JSON objects
// for scripts.
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

class Table {
public:
    // A column whose name starts with '<' is left-aligned (the '<' is not shown);
    // others are right-aligned, as numbers read best.
    explicit Table(std::vector<std::string> columns);
    void add_row(std::vector<std::string> cells);
    void print(std::ostream& out) const;

private:
    std::vector<std::string> columns_;
    std::vector<bool> left_;
    std::vector<std::vector<std::string>> rows_;
};

// {"key": value, ...} on one line. Values are added already typed.
class JsonObject {
public:
    JsonObject& add(std::string_view key, std::string_view text);  // a JSON string
    JsonObject& add(std::string_view key, const char* text) { return add(key, std::string_view(text)); }
    JsonObject& add(std::string_view key, double number, int decimals);
    JsonObject& add(std::string_view key, uint64_t number);
    JsonObject& add_null(std::string_view key);
    JsonObject& add_raw(std::string_view key, std::string_view json);  // already valid JSON
    std::string str() const { return "{" + body_ + "}"; }

private:
    void key(std::string_view k);
    std::string body_;
};

std::string json_quote(std::string_view text);

}  // namespace bench
