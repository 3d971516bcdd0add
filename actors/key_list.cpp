#include "actors/key_list.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "actors/curve.hpp"

namespace p2p::actors {

namespace {

constexpr std::size_t kMaxKeyListBytes = 64 * 1024;

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

}  // namespace

KeyList parse_key_list(const std::string& text) {
    KeyList out;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        for (auto hash = line.find('#'); hash != std::string::npos; hash = line.find('#', hash + 1)) {
            if (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t') {
                line.resize(hash);
                break;
            }
        }
        std::string word = trimmed(line);
        if (word.empty()) continue;
        if (word.rfind("key=", 0) == 0) word = word.substr(4);
        if (!valid_curve_key(word)) {
            out.bad_lines.push_back("line " + std::to_string(number) + ": not a 40-character Z85 CURVE public key");
            continue;
        }
        out.keys.push_back(word);
    }
    return out;
}

KeyList read_key_list(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return {};
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::string text(kMaxKeyListBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse_key_list(text);
}

bool key_admitted(const std::string& key, const std::vector<std::string>& fixed, const std::filesystem::path& file) {
    if (std::find(fixed.begin(), fixed.end(), key) != fixed.end()) return true;
    try {
        const auto listed = read_key_list(file).keys;
        return std::find(listed.begin(), listed.end(), key) != listed.end();
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace p2p::actors
