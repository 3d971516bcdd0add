#include "tracker/ticket_key_file.hpp"

#include "tracker/small_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace p2p::tracker {

namespace fs = std::filesystem;

TicketKey load_or_create_ticket_key(const fs::path& data_dir) {
    const fs::path path = data_dir / kTicketKeyFile;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (ec) throw std::system_error(ec, "stat " + path.string());
    if (exists) {
        const std::string seed = read_small_file(path, 33);
        if (seed.size() != 32) {
            const std::string size = seed.size() > 32 ? "more than 32 bytes" : std::to_string(seed.size()) + " bytes";
            throw std::runtime_error(path.string() + " is not a 32-byte Ed25519 key (" + size +
                                     "); restore it, or delete it to make a new one (tickets already handed out "
                                     "then stop working)");
        }
        return ticket_key_from_private(seed);
    }
    fs::create_directories(data_dir, ec);
    if (ec) throw std::system_error(ec, "create_directories " + data_dir.string());
    TicketKey key = generate_ticket_key();
    write_small_file_durably(data_dir, kTicketKeyFile, key.private_key);
    return key;
}

void store_ticket_key(const fs::path& data_dir, const TicketKey& key) {
    write_small_file_durably(data_dir, kTicketKeyFile, key.private_key);
}

}  // namespace p2p::tracker
