#pragma once
// Checks on names and paths that come from users and from other peers, made
// before anything touches the disk so the user gets a clear reason. They do
// not replace handling errors at open(): the file system can change between
// the check and the use.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "messages/names.hpp"
#include "messages/result.hpp"

namespace p2p::files {

// check_file_name() lives in messages/names.hpp: the tracker checks names too.
using p2p::check_file_name;

// download_file's DEST_DIR: an existing directory this process may create
// files in. Returns its canonical path.
Result<std::filesystem::path> check_dest_dir(std::string_view dir);

// upload_file's PATH: an existing regular file (symlinks followed) this
// process may read, whose base name is a valid shared file name. Returns the
// canonical path; its filename() is the name the file is shared under.
Result<std::filesystem::path> check_upload_path(std::string_view path);

}  // namespace p2p::files
