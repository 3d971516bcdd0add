// A member (the probe, with key A) logs in and gets a ticket for a file; a
// non-member who steals the session token and the ticket (key B) uses them.
// Sessions and tickets name the key they belong to, and the tracker and the
// source check it against the CURVE key of the connection: B gets errors,
// A gets the piece.
#include <iostream>

#include "messages/file_protocol.hpp"
#include "messages/replication_protocol.hpp"
#include "messages/peer_protocol.hpp"
#include "messages/piece_seal.hpp"
#include "messages/random_id.hpp"
#include "messages/sha256.hpp"
#include "messages/tracker_info.hpp"
#include "messages/tracker_protocol.hpp"
#include "tools/probe/probes.hpp"
#include "tools/probe/rpc_client.hpp"

namespace probe {

namespace {

using namespace std::chrono_literals;
using p2p::actors::Security;

constexpr auto kTimeout = 5s;

// Says Hello to each tracker in turn until one says it is primary.
std::unique_ptr<RpcClient> primary_tracker(zmq::context_t& ctx, const Security& me,
                                           const std::vector<p2p::TrackerAddress>& trackers,
                                           const std::string& node_id) {
    for (const auto& t : trackers) {
        auto client = std::make_unique<RpcClient>(ctx, me, t.key, t.rpc_endpoint());
        auto reply = client->ask(p2p::msg::Hello{p2p::msg::kProtocolVersion, node_id}, kTimeout);
        if (!reply) continue;
        auto env = p2p::decode_envelope((*reply)[0].data(), (*reply)[0].size());
        if (!env || env->kind() != p2p::Kind::HelloOk) continue;
        if (auto hello = env->as<p2p::msg::HelloOk>(); hello && hello->role == p2p::msg::role::kPrimary) {
            return client;
        }
    }
    throw ProbeError("no primary tracker answered within " + std::to_string(kTimeout.count()) + " s");
}

// Asks `source` for piece 0 with `ticket`; the reply's frames, or nullopt on timeout.
// With a seal_key, the piece comes sealed (on this connection: no channel).
std::optional<zmq::multipart_t> ask_piece(zmq::context_t& ctx, const Security& as, const p2p::msg::Source& source,
                                          const p2p::msg::Ticket& ticket, const std::string& seal_key = "") {
    RpcClient peer(ctx, as, source.key, "tcp://" + source.endpoint);
    p2p::msg::PieceRequest request;
    request.ticket = ticket;
    request.index = 0;
    request.seal_key = seal_key;
    return peer.ask(request, kTimeout);
}

std::string_view bytes_of(const zmq::message_t& m) { return {static_cast<const char*>(m.data()), m.size()}; }

// Piece 0 asked for sealed: it must not arrive as plaintext, and must open
// with our key to bytes of the right hash. Throws with what went wrong.
void check_sealed_piece(zmq::context_t& ctx, const Security& holder, const p2p::msg::Source& source,
                        const p2p::msg::FileDetails& details, const std::string& plain) {
    const std::string key = p2p::random_bytes(p2p::msg::kSealKeyBytes);
    auto sealed = ask_piece(ctx, holder, source, details.ticket, key);
    if (!sealed) throw ProbeError("the source did not answer a sealed request within 5 s");
    const auto reply = expect_reply<p2p::msg::PieceReply>(*sealed, "sealed piece 0");
    if (sealed->size() != 2) throw ProbeError("sealed piece 0 came without its bytes frame");
    if (reply.nonce.size() != p2p::msg::kSealNonceBytes) throw ProbeError("piece 0 asked for sealed came unsealed");
    std::string bytes(bytes_of((*sealed)[1]));
    if (bytes.size() != plain.size() + p2p::msg::kSealTagBytes) throw ProbeError("sealed piece 0 has the wrong size");
    if (bytes.compare(0, plain.size(), plain) == 0) throw ProbeError("sealed piece 0 is the plaintext");
    const p2p::msg::SealParams p{reinterpret_cast<const unsigned char*>(key.data()),
                                 reinterpret_cast<const unsigned char*>(reply.nonce.data()), 0,
                                 reinterpret_cast<const unsigned char*>(details.meta.piece_hashes[0].data())};
    if (!p2p::msg::open_piece(p, reinterpret_cast<unsigned char*>(bytes.data()), bytes.size()) ||
        p2p::files::sha256(std::string_view(bytes).substr(0, plain.size())) != details.meta.piece_hashes[0]) {
        throw ProbeError("sealed piece 0 does not open with our key to its hash");
    }
}

}  // namespace

int stolen_ticket(const std::vector<std::string>& args) {
    if (args.size() != 5) {
        std::cerr << "error: usage: probe stolen-ticket TRACKER_INFO USER PASSWORD GROUP FILE\n";
        return 2;
    }
    const auto& [info, user, password, group, file] = std::tie(args[0], args[1], args[2], args[3], args[4]);
    try {
        auto trackers = p2p::load_tracker_info(info);
        if (!trackers) throw ProbeError(trackers.error());
        zmq::context_t ctx;
        const Security holder{p2p::actors::generate_curve_keys()};
        const Security thief{p2p::actors::generate_curve_keys()};

        auto tracker = primary_tracker(ctx, holder, *trackers, "probe-" + p2p::random_hex(8));
        auto login = tracker->ask(p2p::msg::Login{user, password, "probe-node", "127.0.0.1:9"}, kTimeout);
        if (!login) throw ProbeError("login: no reply");
        const auto session = expect_reply<p2p::msg::LoginOk>(*login, "login as " + user);
        auto details_reply = tracker->ask(p2p::msg::GetFile{session.token, group, file}, kTimeout);
        if (!details_reply) throw ProbeError("get_file: no reply");
        const auto details = expect_reply<p2p::msg::FileDetails>(*details_reply, "get_file " + group + " " + file);
        if (details.sources.empty()) throw ProbeError(group + "/" + file + " has no source online");
        const auto& source = details.sources.front();
        std::cout << "ok: logged in as " << user << ", got a ticket for " << group << "/" << file
                  << " bound to this key; source " << source.user << " at " << source.endpoint << std::endl;

        // The session token, stolen too, from the thief's key: "forged".
        {
            auto thief_tracker = primary_tracker(ctx, thief, *trackers, "probe-" + p2p::random_hex(8));
            auto forged = thief_tracker->ask(p2p::msg::ListFiles{session.token, group}, kTimeout);
            if (!forged) throw ProbeError("list_files with a stolen token: no reply");
            auto env = p2p::decode_envelope((*forged)[0].data(), (*forged)[0].size());
            p2p::Result<p2p::msg::Error> refusal = p2p::fail("not an Error");
            if (env && env->kind() == p2p::Kind::Error) refusal = env->as<p2p::msg::Error>();
            if (!refusal) {
                std::cout << "error: the tracker answered a stolen session token from another key" << std::endl;
                return 1;
            }
            std::cout << "ok: the stolen session token was refused from another key (" << refusal->code << ": "
                      << refusal->text << ")" << std::endl;
        }

        auto stolen = ask_piece(ctx, thief, source, details.ticket);
        if (!stolen) throw ProbeError("the source did not answer the stolen ticket within 5 s (no verdict)");
        auto env = p2p::decode_envelope((*stolen)[0].data(), (*stolen)[0].size());
        if (!env) throw ProbeError("unreadable answer to the stolen ticket: " + env.error());
        if (env->kind() != p2p::Kind::Error) {
            std::cout << "error: the source served piece 0 to a key that does not hold the ticket" << std::endl;
            return 1;
        }
        auto refusal = env->as<p2p::msg::Error>();
        std::cout << "ok: the stolen ticket was refused from another key (" << (refusal ? refusal->code : "?")
                  << ": " << (refusal ? refusal->text : "") << ")" << std::endl;

        auto honest = ask_piece(ctx, holder, source, details.ticket);
        if (!honest) throw ProbeError("the source did not answer the ticket's holder within 5 s");
        expect_reply<p2p::msg::PieceReply>(*honest, "piece 0 for the ticket's holder");
        if (honest->size() != 2) throw ProbeError("piece 0 came without its bytes frame");
        const std::string plain(bytes_of((*honest)[1]));
        const bool good = !details.meta.piece_hashes.empty() && p2p::files::sha256(plain) == details.meta.piece_hashes[0];
        if (!good) throw ProbeError("piece 0 from the source does not match its hash");
        std::cout << "ok: the same ticket from its holder got piece 0 (" << plain.size()
                  << " bytes, SHA-256 matches)" << std::endl;
        check_sealed_piece(ctx, holder, source, details, plain);
        std::cout << "ok: piece 0 asked for sealed came as AES-256-GCM ciphertext, not the plaintext, and opened "
                     "with the probe's key to its SHA-256"
                  << std::endl;
        tracker->ask(p2p::msg::Logout{session.token}, kTimeout);
        return 0;
    } catch (const std::exception& e) {
        std::cout << "error: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace probe
