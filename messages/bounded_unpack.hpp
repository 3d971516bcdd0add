#pragma once
// msgpack::unpack without memory amplification. msgpack-c allocates an array's
// or a map's slots (24 bytes per object) when it reads the header, before the
// elements arrive: five bytes announcing 2^32 entries ask for ~100 GiB, and
// even within an unpack_limit a few nested headers ask for hundreds of MiB in
// a message of a few dozen bytes. unpack_bounded() first walks the bytes with
// a visitor that allocates nothing and enforces the same limits, so the real
// unpack only ever allocates for elements that are there: a small multiple of
// the input's size, whatever the headers claim.
#include <cstddef>

#include <msgpack.hpp>

namespace p2p {

// One msgpack object starting at data[offset]; offset ends up just past it
// (bytes after it are the caller's to refuse or ignore). Throws what
// msgpack::unpack throws, all std::exception: malformed or truncated bytes,
// or a limit exceeded.
msgpack::object_handle unpack_bounded(const char* data, std::size_t size, std::size_t& offset,
                                      const msgpack::unpack_limit& limit);

}  // namespace p2p
