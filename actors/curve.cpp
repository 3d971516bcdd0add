#include "actors/curve.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace p2p::actors {

namespace fs = std::filesystem;

bool valid_curve_key(std::string_view z85) {
    if (z85.size() != 40) return false;
    uint8_t raw[32];
    const std::string copy(z85);
    return zmq_z85_decode(raw, copy.c_str()) != nullptr;
}

CurveKeys generate_curve_keys() {
    char pub[41], sec[41];
    if (zmq_curve_keypair(pub, sec) != 0) throw std::runtime_error("zmq_curve_keypair failed (libzmq without CURVE?)");
    return CurveKeys{pub, sec};
}

namespace {

[[noreturn]] void throw_errno(const std::string& op, const fs::path& path) {
    throw std::system_error(errno, std::generic_category(), op + " " + path.string());
}

}  // namespace

void write_curve_keys(const fs::path& data_dir, const CurveKeys& keys) {
    const fs::path tmp = data_dir / (std::string(kCurveKeyFile) + ".tmp");
    const fs::path final_path = data_dir / kCurveKeyFile;
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw_errno("open", tmp);
    const std::string text = "public " + keys.public_key + "\nsecret " + keys.secret_key + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    errno = saved;
    if (!ok) throw_errno("write", tmp);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) throw_errno("rename", tmp);
    const int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

CurveKeys load_or_create_curve_keys(const fs::path& data_dir) {
    const fs::path path = data_dir / kCurveKeyFile;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        fs::create_directories(data_dir, ec);
        if (ec) throw std::system_error(ec, "create_directories " + data_dir.string());
        CurveKeys keys = generate_curve_keys();
        write_curve_keys(data_dir, keys);
        return keys;
    }
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::string w1, w2;
    CurveKeys keys;
    if (!(in >> w1 >> keys.public_key >> w2 >> keys.secret_key) || w1 != "public" || w2 != "secret" ||
        !valid_curve_key(keys.public_key) || !valid_curve_key(keys.secret_key)) {
        throw std::runtime_error(path.string() +
                                 " is not a CURVE key pair ('public Z85' and 'secret Z85' lines); restore it, or "
                                 "delete it to make a new one (then update key= in tracker_info.txt for a tracker)");
    }
    char derived[41];
    if (zmq_curve_public(derived, keys.secret_key.c_str()) != 0 || keys.public_key != derived) {
        throw std::runtime_error(path.string() + ": the public key does not belong to the secret key");
    }
    return keys;
}

void make_server(zmq::socket_t& socket, const Security& security, const std::string& zap_domain) {
    if (security.plain()) return;
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, security.own->secret_key);
    socket.set(zmq::sockopt::zap_domain, zap_domain);
}

void make_client(zmq::socket_t& socket, const Security& security, const std::string& server_key) {
    if (security.plain()) return;
    socket.set(zmq::sockopt::curve_serverkey, server_key);
    socket.set(zmq::sockopt::curve_publickey, security.own->public_key);
    socket.set(zmq::sockopt::curve_secretkey, security.own->secret_key);
}

std::string peer_key(const zmq::message_t& msg) {
    const char* v = zmq_msg_gets(msg.handle(), "User-Id");
    return v ? std::string(v) : std::string();
}

}  // namespace p2p::actors
