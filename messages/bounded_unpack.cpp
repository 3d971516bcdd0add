#include "messages/bounded_unpack.hpp"

namespace p2p {

namespace {

// The checks msgpack's create_object_visitor makes, made before anything is
// allocated (throwing the same exceptions), plus the end of input, which
// msgpack::parse reports only through the visitor.
class LimitCheck : public msgpack::null_visitor {
public:
    explicit LimitCheck(const msgpack::unpack_limit& limit) : limit_(limit) {}

    bool visit_str(const char*, uint32_t size) {
        if (size > limit_.str()) throw msgpack::str_size_overflow("str size overflow");
        return true;
    }
    bool visit_bin(const char*, uint32_t size) {
        if (size > limit_.bin()) throw msgpack::bin_size_overflow("bin size overflow");
        return true;
    }
    bool visit_ext(const char*, uint32_t size) {
        if (size > limit_.ext()) throw msgpack::ext_size_overflow("ext size overflow");
        return true;
    }
    bool start_array(uint32_t elements) {
        if (elements > limit_.array()) throw msgpack::array_size_overflow("array size overflow");
        return enter();
    }
    bool start_map(uint32_t pairs) {
        if (pairs > limit_.map()) throw msgpack::map_size_overflow("map size overflow");
        return enter();
    }
    bool end_array() { return leave(); }
    bool end_map() { return leave(); }
    void parse_error(std::size_t, std::size_t) { throw msgpack::parse_error("parse error"); }
    void insufficient_bytes(std::size_t, std::size_t) { throw msgpack::insufficient_bytes("insufficient bytes"); }

private:
    // Also bounds msgpack::parse's own stack, which grows with nesting.
    bool enter() {
        if (++depth_ > limit_.depth()) throw msgpack::depth_size_overflow("depth size overflow");
        return true;
    }
    bool leave() {
        --depth_;
        return true;
    }

    const msgpack::unpack_limit& limit_;
    std::size_t depth_ = 0;
};

}  // namespace

msgpack::object_handle unpack_bounded(const char* data, std::size_t size, std::size_t& offset,
                                      const msgpack::unpack_limit& limit) {
    std::size_t checked = offset;
    LimitCheck check(limit);
    if (!msgpack::parse(data, size, checked, check)) throw msgpack::parse_error("parse error");
    return msgpack::unpack(data, size, offset, nullptr, nullptr, limit);
}

}  // namespace p2p
