#include "node/node_identity.hpp"

#include <fstream>
#include <stdexcept>

#include "messages/names.hpp"
#include "messages/random_id.hpp"

namespace p2p::node {

NodeIdentity load_identity(const std::filesystem::path& data_dir, const std::string& endpoint) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) throw std::runtime_error("cannot create data dir " + data_dir.string() + ": " + ec.message());
    const auto id_file = data_dir / "node_id";
    std::string id;
    if (std::ifstream in(id_file); in) std::getline(in, id);
    if (id.empty() || check_name("node id", id)) {
        id = random_hex(16);
        const auto tmp = data_dir / "node_id.tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << id << "\n";
            if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
        }
        std::filesystem::rename(tmp, id_file, ec);
        if (ec) throw std::runtime_error("cannot write " + id_file.string() + ": " + ec.message());
    }
    return NodeIdentity{id, endpoint, data_dir};
}

}  // namespace p2p::node
