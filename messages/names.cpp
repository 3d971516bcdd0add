#include "messages/names.hpp"

#include "messages/limits.hpp"

namespace p2p {

namespace {
bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}
}  // namespace

std::optional<std::string> check_name(std::string_view what, std::string_view name) {
    if (name.empty()) return std::string(what) + " name is empty";
    if (name.size() > limits::kMaxNameLength) {
        return std::string(what) + " name is longer than " + std::to_string(limits::kMaxNameLength) +
               " characters";
    }
    for (char c : name) {
        if (!is_name_char(c)) {
            return std::string(what) + " name may only contain letters, digits, '.', '_' and '-'";
        }
    }
    if (name == "." || name == "..") return std::string(what) + " name may not be '.' or '..'";
    return std::nullopt;
}

std::optional<std::string> check_password(std::string_view password) {
    if (password.empty()) return "password is empty";
    if (password.size() > limits::kMaxPasswordBytes) {
        return "password is longer than " + std::to_string(limits::kMaxPasswordBytes) + " bytes";
    }
    return std::nullopt;
}

namespace {
bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }
}  // namespace

std::optional<std::string> check_file_name(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.size() > kMaxFileNameBytes) {
        return "is " + std::to_string(name.size()) + " bytes long, over 255";
    }
    if (name == "." || name == "..") return "may not be '.' or '..'";
    for (unsigned char c : name) {
        if (c == '/') return "may not contain '/'";
        if (c == '\0') return "may not contain a NUL byte";
        if (is_control(c)) return "may not contain control characters";
    }
    // Only ' ' is left to test: every other ASCII white space is a control
    // character. Names that differ only by edge spaces fool the eye.
    if (name.front() == ' ' || name.back() == ' ') {
        return "may not start or end with white space";
    }
    return std::nullopt;
}

}  // namespace p2p
