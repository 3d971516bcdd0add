#pragma once
// Tickets: the tracker's signed permission for one user to fetch pieces of
// one file of one group until a time. Piece servers check them without
// asking the tracker, so a user who is not (or no longer) a member gets
// nothing once their last ticket expires. Ed25519 via OpenSSL.
#include <cstdint>
#include <string>

#include "messages/file_protocol.hpp"
#include "messages/result.hpp"

namespace p2p {

// A key pair; the private half only ever exists in the tracker.
struct TicketKey {
    std::string private_key;  // 32-byte raw Ed25519 seed
    std::string public_key;   // 32 raw bytes
};

TicketKey generate_ticket_key();
TicketKey ticket_key_from_private(const std::string& private_key);

// The bytes that are signed: every field but the signature, in a fixed order.
std::string ticket_signed_bytes(const msg::Ticket& ticket);

void sign_ticket(const TicketKey& key, msg::Ticket& ticket);

struct TicketValid {};
// Checks signature, expiry (against now_unix) and that it is for file_id.
Result<TicketValid> check_ticket(const std::string& public_key, const msg::Ticket& ticket,
                                 const std::string& file_id, uint64_t now_unix);

}  // namespace p2p
