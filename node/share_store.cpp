#include "node/share_store.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "messages/random_id.hpp"
#include "messages/sha256.hpp"

namespace p2p::node {

std::vector<ServeFile> ShareStore::shares(const std::string& user) const {
    std::ifstream in(user_dir(user) / "shares.msgpack", std::ios::binary);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    try {
        return unpack_body<std::vector<ServeFile>>(bytes.data(), bytes.size());
    } catch (const std::exception&) {
        return {};  // written atomically by us; unreadable means another version
    }
}

std::string ShareStore::save(const std::string& user, const std::vector<ServeFile>& shares) const {
    const auto dir = user_dir(user);
    const auto tmp = dir / "shares.msgpack.tmp";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        const std::string bytes = pack_body(shares);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) {
            const int err = errno;
            out.close();
            std::filesystem::remove(tmp, ec);
            return "cannot write " + tmp.string() + ": " + (err != 0 ? std::strerror(err) : "write failed");
        }
    }
    std::filesystem::rename(tmp, dir / "shares.msgpack", ec);
    if (ec) return "cannot rename " + tmp.string() + ": " + ec.message();
    return {};
}

std::string ShareStore::add(const std::string& user, const ServeFile& share) {
    auto list = shares(user);
    std::erase_if(list, [&](const ServeFile& s) { return s.group == share.group && s.meta.name == share.meta.name; });
    list.push_back(share);
    return save(user, list);
}

std::optional<ServeFile> ShareStore::remove(const std::string& user, const std::string& group,
                                            const std::string& name, std::string* error) {
    auto list = shares(user);
    std::optional<ServeFile> removed;
    std::erase_if(list, [&](const ServeFile& s) {
        if (s.group != group || s.meta.name != name) return false;
        removed = s;
        return true;
    });
    if (removed) {
        std::string err = save(user, list);
        if (error) *error = std::move(err);
    }
    return removed;
}

std::filesystem::path ShareStore::downloads_dir(const std::string& user) const { return user_dir(user) / "downloads"; }

std::filesystem::path ShareStore::resume_path(const std::string& user, const std::string& group,
                                              const files::FileMeta& meta, const std::string& dest_dir) const {
    const std::string key = files::sha256(group + '\0' + meta.file_id + '\0' + dest_dir);
    std::error_code ignored;
    std::filesystem::create_directories(downloads_dir(user), ignored);
    return downloads_dir(user) / (to_hex(key.data(), 12) + ".resume");
}

}  // namespace p2p::node
