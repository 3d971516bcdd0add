#include "tracker/role_file.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

#include "tracker/small_file.hpp"

namespace p2p::tracker {

RoleRecord load_role(const std::filesystem::path& data_dir) {
    const auto path = data_dir / kRoleFile;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    std::istringstream in(read_small_file(path, 256));
    std::string term_word, role_word, role;
    RoleRecord record;
    if (!(in >> term_word >> record.term >> role_word >> role) || term_word != "term" || role_word != "role" ||
        (role != "primary" && role != "standby")) {
        throw std::runtime_error(path.string() +
                                 " is not 'term N role primary|standby'; fix it (or delete it: this tracker then "
                                 "starts as a fresh standby)");
    }
    record.was_primary = role == "primary";
    return record;
}

void store_role(const std::filesystem::path& data_dir, const RoleRecord& record) {
    write_small_file_durably(data_dir, kRoleFile,
                             "term " + std::to_string(record.term) + " role " +
                                 (record.was_primary ? "primary" : "standby") + "\n");
}

}  // namespace p2p::tracker
