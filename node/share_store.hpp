#pragma once
// What a user shares from this node, remembered in the node's data dir so
// that login resumes sharing everything shared (or downloaded) before:
//   DATA/users/USER/shares.msgpack          the complete files served
//   DATA/users/USER/downloads/*.resume      unfinished downloads
#include <filesystem>
#include <string>
#include <vector>

#include "node/engine/engine_protocol.hpp"

namespace p2p::node {

class ShareStore {
public:
    explicit ShareStore(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

    std::vector<ServeFile> shares(const std::string& user) const;
    // Adds or replaces the share of (group, name). Returns why it could not
    // be saved (a full disk), empty on success: the node keeps running and
    // serving; only the next login would not know of the share.
    [[nodiscard]] std::string add(const std::string& user, const ServeFile& share);
    // Removes the share of (group, name); returns it if there was one, even
    // when the list could not be saved (then *error says why).
    std::optional<ServeFile> remove(const std::string& user, const std::string& group, const std::string& name,
                                    std::string* error = nullptr);

    std::filesystem::path downloads_dir(const std::string& user) const;
    // Creates the downloads dir if it can; if it cannot, saving the record
    // there fails and the download stops with that reason.
    std::filesystem::path resume_path(const std::string& user, const std::string& group, const files::FileMeta& meta,
                                      const std::string& dest_dir) const;

private:
    std::filesystem::path user_dir(const std::string& user) const { return data_dir_ / "users" / user; }
    std::string save(const std::string& user, const std::vector<ServeFile>& shares) const;
    std::filesystem::path data_dir_;
};

}  // namespace p2p::node
