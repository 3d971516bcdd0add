#pragma once
// ZeroMQ CURVE for every TCP socket: who a socket is (its key pair), how a
// server and a client are set up, and the key files kept in data dirs.
//
// A Security without keys is plain mode (NULL mechanism): no encryption and
// no authentication, only behind an explicit --plain flag.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.hpp>

namespace p2p::actors {

struct CurveKeys {
    std::string public_key;  // Z85, 40 characters
    std::string secret_key;  // Z85, 40 characters
};

struct Security {
    std::optional<CurveKeys> own;  // nullopt: plain mode
    bool plain() const { return !own.has_value(); }
    // The peer key a server reports for a message (ZAP User-Id), "" in plain mode.
};

// A 40-character Z85 string that decodes to 32 bytes.
bool valid_curve_key(std::string_view z85);

CurveKeys generate_curve_keys();

// DATA/curve_key: "public Z85\nsecret Z85\n", mode 0600. Made on first use
// (temp file, fsync, rename). Throws with the path and reason when it cannot
// be read, written, or is not a key pair.
inline constexpr const char* kCurveKeyFile = "curve_key";
CurveKeys load_or_create_curve_keys(const std::filesystem::path& data_dir);
void write_curve_keys(const std::filesystem::path& data_dir, const CurveKeys& keys);

// A server socket: CURVE server with our secret key, and a ZAP domain so that
// the ZAP handler (zap_handler.hpp) names each client by its public key (and
// its policy may admit only some keys to a domain).
inline constexpr const char* kZapDomain = "p2pshare";
void make_server(zmq::socket_t& socket, const Security& security, const std::string& zap_domain = kZapDomain);
// A client socket that only talks to the server holding server_key.
void make_client(zmq::socket_t& socket, const Security& security, const std::string& server_key);

// The public key (Z85) of the peer that sent msg, as the ZAP handler named
// it; "" in plain mode or when no ZAP handler runs.
std::string peer_key(const zmq::message_t& msg);

}  // namespace p2p::actors
