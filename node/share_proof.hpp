#pragma once
// Complete downloads written just before a machine crash. A finished
// download is not fsynced (1 GiB costs ~2.5 s of disk here): its share
// remembers the boot it finished in (ServeFile::boot_id). Until a later
// boot has read it back and found its file id, its bytes may have been only
// in a page cache the crash lost, so login does not serve or announce it
// before this proof, which runs off the REPL thread.
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "actors/actor.hpp"
#include "node/engine/engine_protocol.hpp"

namespace p2p::node {

// A share the user uploaded (no boot id) or that finished in this boot is
// served as it is; one from an earlier boot is proven first.
bool needs_proof(const ServeFile& share, const std::string& current_boot);

// Hashes each share's file in turn and reports, on the actor's pipe,
// "PROVED" [index as decimal text] [why it does not match; empty when it
// does], one message per share, in order. Stops early when destroyed.
std::unique_ptr<actors::Actor> start_share_proof(zmq::context_t& ctx, std::vector<ServeFile> shares);

}  // namespace p2p::node
