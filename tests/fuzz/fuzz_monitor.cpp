// What zmq-monitor makes of a multipart message from a tracker's PUB socket:
// decode_frames, then the printed line in both styles. A line must stay one
// line, free of control characters, whatever the publisher sent.
#include <algorithm>

#include "fuzz_support.hpp"
#include "tools/zmq-monitor/frame_decoder.hpp"
#include "tools/zmq-monitor/line_format.hpp"

using namespace p2p::monitor;

namespace {

void check_line(const std::string& line) {
    for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c != 0x7f, "a control byte in a printed line: " + line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    // byte 0: how many frames (0..3); byte 1: the first frame's length; then
    // the first frame, and the rest (halved when there are three).
    if (size < 2) return 0;
    const std::size_t count = data[0] % 4;
    std::string_view rest = fuzz::as_text(data + 2, size - 2);
    std::vector<std::string> frames;
    if (count >= 1) {
        const std::size_t first = std::min<std::size_t>(data[1], rest.size());
        frames.emplace_back(rest.substr(0, first));
        rest.remove_prefix(first);
    }
    if (count == 3) {
        frames.emplace_back(rest.substr(0, rest.size() / 2));
        rest.remove_prefix(rest.size() / 2);
    }
    if (count >= 2) frames.emplace_back(rest);
    const Decoded decoded = decode_frames(frames);
    const Stamp stamp{std::chrono::system_clock::time_point{}, "tcp://127.0.0.1:6001"};
    check_line(format_decoded(stamp, decoded, Style::Text));
    check_line(format_decoded(stamp, decoded, Style::Json));
    return 0;
}
