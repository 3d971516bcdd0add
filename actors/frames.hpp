#pragma once
// Numbers in pipe frames: actors put them with multipart_t::addtyp(); this
// reads them back. A frame of the wrong size reads as 0 (pipes are ours, so
// that is a bug to notice, not input to reject).
#include <cstring>

#include <zmq.hpp>

namespace p2p::actors {

template <class T>
T frame_number(const zmq::message_t& frame) {
    T value{};
    if (frame.size() == sizeof(T)) std::memcpy(&value, frame.data(), sizeof(T));
    return value;
}

}  // namespace p2p::actors
