// DATA/users/U/shares.msgpack, what a node serves again after login, as
// ShareStore::shares() reads it (unpack_body): it may throw on bad bytes (the
// store then starts empty) but must not crash or allocate without bound. A
// list that decodes packs and unpacks back to itself.
#include "fuzz_support.hpp"
#include "node/engine/engine_protocol.hpp"

using p2p::node::ServeFile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::vector<ServeFile> shares;
    try {
        shares = p2p::node::unpack_body<std::vector<ServeFile>>(data, size);
    } catch (const std::exception&) {
        return 0;
    }
    const std::string once = p2p::node::pack_body(shares);
    const auto again = p2p::node::unpack_body<std::vector<ServeFile>>(once.data(), once.size());
    FUZZ_CHECK(p2p::node::pack_body(again) == once, "unpack(pack(shares)) differs");
    return 0;
}
