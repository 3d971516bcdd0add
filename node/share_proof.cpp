#include "node/share_proof.hpp"

#include <zmq_addon.hpp>

#include "node/files/boot_id.hpp"
#include "node/files/piece_hasher.hpp"

namespace p2p::node {

bool needs_proof(const ServeFile& share, const std::string& current_boot) {
    return !share.boot_id.empty() && !files::written_this_boot(share.boot_id, current_boot);
}

namespace {

std::string mismatch(const ServeFile& share) {
    auto meta = files::hash_file(share.path, share.meta.piece_size);
    if (!meta) return meta.error();
    if (meta->size != share.meta.size) return "its size changed";
    if (meta->file_id != share.meta.file_id) return "its bytes no longer match their hashes";
    return {};
}

}  // namespace

std::unique_ptr<actors::Actor> start_share_proof(zmq::context_t& ctx, std::vector<ServeFile> shares) {
    return std::make_unique<actors::Actor>(ctx, "share-proof", [shares = std::move(shares)](zmq::socket_t& pipe) {
        actors::signal_ready(pipe);
        for (std::size_t i = 0; i < shares.size(); ++i) {
            zmq::message_t term;
            if (pipe.recv(term, zmq::recv_flags::dontwait)) return;  // $TERM: logged out
            zmq::multipart_t out;
            out.addstr("PROVED");
            out.addstr(std::to_string(i));
            out.addstr(mismatch(shares[i]));
            out.send(pipe);
        }
        zmq::message_t term;
        (void)pipe.recv(term);  // wait for $TERM so the parent joins a finished thread
    });
}

}  // namespace p2p::node
