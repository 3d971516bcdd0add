#include "messages/ticket.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "messages/random_id.hpp"

namespace p2p {

namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

PKey private_pkey(const std::string& seed) {
    PKey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(seed), seed.size()), EVP_PKEY_free);
    if (!key) throw std::runtime_error("bad Ed25519 private key");
    return key;
}

}  // namespace

TicketKey ticket_key_from_private(const std::string& private_key) {
    if (private_key.size() != 32) throw std::runtime_error("Ed25519 private key must be 32 bytes");
    PKey key = private_pkey(private_key);
    std::string pub(32, '\0');
    std::size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 ||
        len != 32) {
        throw std::runtime_error("cannot derive Ed25519 public key");
    }
    return TicketKey{private_key, pub};
}

TicketKey generate_ticket_key() { return ticket_key_from_private(random_bytes(32)); }

std::string ticket_signed_bytes(const msg::Ticket& t) {
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk(buf);
    pk.pack_array(6);
    pk.pack(std::string("p2pshare-ticket-v2"));
    pk.pack(t.user);
    pk.pack(t.group);
    pk.pack(t.file_id);
    pk.pack(t.expires);
    pk.pack(t.holder);
    return std::string(buf.data(), buf.size());
}

void sign_ticket(const TicketKey& key, msg::Ticket& ticket) {
    PKey pkey = private_pkey(key.private_key);
    MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    const std::string data = ticket_signed_bytes(ticket);
    std::string sig(64, '\0');
    std::size_t len = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(data), data.size()) != 1) {
        throw std::runtime_error("Ed25519 signing failed");
    }
    sig.resize(len);
    ticket.signature = sig;
}

Result<TicketValid> check_ticket(const std::string& public_key, const msg::Ticket& ticket,
                                 const std::string& file_id, uint64_t now_unix) {
    if (ticket.file_id != file_id) return fail("ticket is for another file");
    if (ticket.expires < now_unix) return fail("ticket expired");
    if (public_key.size() != 32) return fail("no tracker key to check the ticket with");
    if (ticket.signature.size() != 64) return fail("ticket signature malformed");
    PKey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), public_key.size()),
             EVP_PKEY_free);
    MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    const std::string data = ticket_signed_bytes(ticket);
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), bytes(ticket.signature), ticket.signature.size(), bytes(data), data.size()) != 1) {
        return fail("ticket signature invalid");
    }
    return TicketValid{};
}

}  // namespace p2p
