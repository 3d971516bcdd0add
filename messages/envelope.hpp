#pragma once
// The one envelope every protocol uses: a msgpack array [kind, request_id, body]
// where body is a map of the message struct's named fields.
//
// decode() never throws on bad bytes: truncated input, wrong types, unknown
// kinds and anything past the limits in limits.hpp come back as a Failure that
// the caller counts and answers (or drops). It allocates only for what the
// bytes hold, never for what a header claims (bounded_unpack.hpp). Asserts
// are for our own bugs only.
#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "messages/kind.hpp"
#include "messages/limits.hpp"
#include "messages/result.hpp"

namespace p2p {

// A decoded envelope. It owns the unpacked zone that body points into.
class Envelope {
public:
    Kind kind() const { return kind_; }
    uint64_t request_id() const { return request_id_; }
    const msgpack::object& body() const { return body_; }

    // Converts the body to T; a Failure when T is not this envelope's kind or
    // a field has the wrong type.
    template <class T>
    Result<T> as() const {
        if (kind_ != T::kind) {
            return fail("expected " + std::string(kind_name(T::kind)) + ", got " +
                        std::string(kind_name(kind_)));
        }
        try {
            T value;
            body_.convert(value);
            return value;
        } catch (const std::exception& e) {
            return fail("malformed " + std::string(kind_name(kind_)) + ": " + e.what());
        }
    }

private:
    friend Result<Envelope> decode_envelope(const void* data, std::size_t size, std::size_t max_bytes);
    Kind kind_ = Kind::Ok;
    uint64_t request_id_ = 0;
    msgpack::object_handle handle_;
    msgpack::object body_;
};

// max_bytes is a frame's limit unless the caller bounds the size itself (the
// journal's reader, see decode_command).
Result<Envelope> decode_envelope(const void* data, std::size_t size,
                                 std::size_t max_bytes = limits::kControlFrameBytes);
inline Result<Envelope> decode_envelope(std::string_view bytes, std::size_t max_bytes = limits::kControlFrameBytes) {
    return decode_envelope(bytes.data(), bytes.size(), max_bytes);
}

bool is_known_kind(uint16_t raw);

// Packs [kind, request_id, body] into buf.
template <class T>
void encode_into(msgpack::sbuffer& buf, uint64_t request_id, const T& body) {
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_array(3);
    pk.pack(static_cast<uint16_t>(T::kind));
    pk.pack(request_id);
    pk.pack(body);
}

template <class T>
std::string encode(uint64_t request_id, const T& body) {
    msgpack::sbuffer buf;
    encode_into(buf, request_id, body);
    return std::string(buf.data(), buf.size());
}

}  // namespace p2p
