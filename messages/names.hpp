#pragma once
// What a user name, group name and password may be. Checked by the node
// before sending (a quick, local error) and by the tracker again (it trusts
// no client).
#include <optional>
#include <string>
#include <string_view>

namespace p2p {

// nullopt when valid, else the reason, e.g. "user name may only contain ...".
std::optional<std::string> check_name(std::string_view what, std::string_view name);
std::optional<std::string> check_password(std::string_view password);

inline constexpr std::size_t kMaxFileNameBytes = 255;

// The name of a shared file as it travels between peers: one path component
// that is safe to create in any destination directory. nullopt when fine,
// else the reason (phrased to follow the words "file name").
std::optional<std::string> check_file_name(std::string_view name);

}  // namespace p2p
