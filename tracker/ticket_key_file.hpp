#pragma once
// The tracker's ticket signing key on disk: DATA/ticket_key holds the 32-byte
// Ed25519 seed, raw, mode 0600. Made on first start by writing a temp file,
// fsyncing it, renaming it into place and fsyncing the directory, so that a
// crash leaves no key or a whole one, never a torn one. The public half is
// derived from it and sent to nodes in HelloOk.
#include <filesystem>

#include "messages/ticket.hpp"

namespace p2p::tracker {

inline constexpr const char* kTicketKeyFile = "ticket_key";

// Throws with the reason when the file exists but is not a key, or cannot be
// read or written: the tracker must not start with a key it cannot keep.
TicketKey load_or_create_ticket_key(const std::filesystem::path& data_dir);

// A standby takes its primary's key, so that tickets stay valid across a failover.
void store_ticket_key(const std::filesystem::path& data_dir, const TicketKey& key);

}  // namespace p2p::tracker
