#pragma once
// Making bytes from the network safe to print. Topics and event fields are
// whatever a publisher sent: they may hold newlines (which would split our
// one-line-per-event output), terminal escape sequences, or bytes that are
// not UTF-8 at all. Nothing here throws or drops input silently.
#include <string>
#include <string_view>

namespace p2p::monitor {

// The body of a JSON string (no surrounding quotes): '"' and '\' escaped,
// control characters as \n, \t, ... or \u00XX, C1 controls, DEL and
// U+2028/U+2029 as \uXXXX. JSON text must be Unicode, so a byte that is not
// part of well-formed UTF-8 becomes U+FFFD (text mode keeps the exact bytes).
std::string json_escape(std::string_view bytes);

// json_escape() with the quotes: "\"...\"".
std::string json_string(std::string_view bytes);

// For the plain-text output: '\' becomes "\\"; control characters (C0, DEL,
// C1) and bytes that are not well-formed UTF-8 become \xNN, so the original
// bytes can be recovered. Valid UTF-8 text is kept as it is.
std::string text_escape(std::string_view bytes);

// text_escape() for one space-separated word of a text line: also escapes
// ' ' as \x20 and '"' as \x22, and shows an empty word as "" (which no
// non-empty word can then look like), so that fields never merge.
std::string text_word(std::string_view bytes);

}  // namespace p2p::monitor
