#pragma once
// Checks on names and paths that come from users and from other peers, made
// before anything touches the disk so the user gets a clear reason. They do
// not replace handling errors at open(): the file system can change between
// the check and the use.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "messages/result.hpp"

namespace p2p::files {

inline constexpr std::size_t kMaxFileNameBytes = 255;

// The name of a shared file as it travels between peers: one path component
// that is safe to create in any destination directory. nullopt when fine,
// else the reason (phrased to follow the words "file name").
std::optional<std::string> check_file_name(std::string_view name);

// download_file's DEST_DIR: an existing directory this process may create
// files in. Returns its canonical path.
Result<std::filesystem::path> check_dest_dir(std::string_view dir);

// upload_file's PATH: an existing regular file (symlinks followed) this
// process may read, whose base name is a valid shared file name. Returns the
// canonical path; its filename() is the name the file is shared under.
Result<std::filesystem::path> check_upload_path(std::string_view path);

}  // namespace p2p::files
