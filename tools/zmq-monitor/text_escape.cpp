#include "tools/zmq-monitor/text_escape.hpp"

#include <cstdio>

namespace p2p::monitor {

namespace {

unsigned char byte_at(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

// Length of the well-formed UTF-8 sequence that starts at s[i], or 0 when the
// byte there does not start one. Follows RFC 3629 exactly (no overlong forms,
// no surrogates, nothing above U+10FFFF), because "almost UTF-8" is what
// breaks strict JSON parsers downstream.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const unsigned char c = byte_at(s, i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c == 0xE0) {
        n = 3;
        lo = 0xA0;  // below is overlong
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        n = 3;
    } else if (c == 0xED) {
        n = 3;
        hi = 0x9F;  // above are UTF-16 surrogates
    } else if (c == 0xF0) {
        n = 4;
        lo = 0x90;  // below is overlong
    } else if (c >= 0xF1 && c <= 0xF3) {
        n = 4;
    } else if (c == 0xF4) {
        n = 4;
        hi = 0x8F;  // above is past U+10FFFF
    } else {
        return 0;  // 0x80..0xC1 (continuation / overlong lead) or 0xF5..0xFF
    }
    if (i + n > s.size()) return 0;
    if (byte_at(s, i + 1) < lo || byte_at(s, i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (byte_at(s, i + k) < 0x80 || byte_at(s, i + k) > 0xBF) return 0;
    }
    return n;
}

// C1 controls U+0080..U+009F are encoded C2 80..C2 9F; some terminals act on
// them (C2 9B is CSI), so neither output lets them through raw.
bool is_c1_control(std::string_view s, std::size_t i, std::size_t len) {
    return len == 2 && byte_at(s, i) == 0xC2 && byte_at(s, i + 1) <= 0x9F;
}

void append_hex_byte(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", c);
    out += buf;
}

void append_u_escape(std::string& out, unsigned code) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", code & 0xFFFFu);
    out += buf;
}

std::string text_escape_impl(std::string_view s, bool in_word) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = byte_at(s, i);
        const std::size_t len = utf8_length(s, i);
        if (len == 0 || c < 0x20 || c == 0x7F || (in_word && (c == ' ' || c == '"'))) {
            append_hex_byte(out, c);
            ++i;
        } else if (c == '\\') {
            out += "\\\\";
            ++i;
        } else if (is_c1_control(s, i, len)) {
            append_hex_byte(out, byte_at(s, i));
            append_hex_byte(out, byte_at(s, i + 1));
            i += 2;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

}  // namespace

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = byte_at(s, i);
        const std::size_t len = utf8_length(s, i);
        if (len == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (len == 1) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (c < 0x20 || c == 0x7F) {
                        append_u_escape(out, c);
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        if (is_c1_control(s, i, len)) {
            append_u_escape(out, byte_at(s, i + 1));  // C2 xx encodes U+00xx
        } else if (len == 3 && c == 0xE2 && byte_at(s, i + 1) == 0x80 &&
                   (byte_at(s, i + 2) == 0xA8 || byte_at(s, i + 2) == 0xA9)) {
            // U+2028/U+2029 are valid JSON but end lines in JavaScript and
            // some log viewers; escaping them costs nothing.
            append_u_escape(out, 0x2000u + (byte_at(s, i + 2) - 0x80u));
        } else {
            out.append(s.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::string json_string(std::string_view bytes) { return "\"" + json_escape(bytes) + "\""; }

std::string text_escape(std::string_view bytes) { return text_escape_impl(bytes, false); }

std::string text_word(std::string_view bytes) {
    if (bytes.empty()) return "\"\"";
    return text_escape_impl(bytes, true);
}

}  // namespace p2p::monitor
