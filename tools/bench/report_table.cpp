#include "report_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bench {

Table::Table(std::vector<std::string> columns) {
    for (auto& c : columns) {
        const bool left = !c.empty() && c.front() == '<';
        left_.push_back(left);
        columns_.push_back(left ? c.substr(1) : c);
    }
}

void Table::add_row(std::vector<std::string> cells) {
    cells.resize(columns_.size());
    rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const {
    std::vector<std::size_t> width(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        width[c] = columns_[c].size();
        for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c) text += "  ";
            const std::string pad(width[c] - cells[c].size(), ' ');
            text += left_[c] ? cells[c] + pad : pad + cells[c];
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out << text << "\n";
    };
    line(columns_);
    std::vector<std::string> rule;
    for (std::size_t w : width) rule.emplace_back(w, '-');
    line(rule);
    for (const auto& row : rows_) line(row);
}

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out.push_back(ch);
                }
        }
    }
    return out + "\"";
}

void JsonObject::key(std::string_view k) {
    if (!body_.empty()) body_ += ", ";
    body_ += json_quote(k) + ": ";
}

JsonObject& JsonObject::add(std::string_view k, std::string_view text) {
    key(k);
    body_ += json_quote(text);
    return *this;
}

JsonObject& JsonObject::add(std::string_view k, double number, int decimals) {
    key(k);
    if (!std::isfinite(number)) {
        body_ += "null";
        return *this;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, number);
    body_ += buf;
    return *this;
}

JsonObject& JsonObject::add(std::string_view k, uint64_t number) {
    key(k);
    body_ += std::to_string(number);
    return *this;
}

JsonObject& JsonObject::add_raw(std::string_view k, std::string_view json) {
    key(k);
    body_ += json;
    return *this;
}

JsonObject& JsonObject::add_null(std::string_view k) {
    key(k);
    body_ += "null";
    return *this;
}

}  // namespace bench
