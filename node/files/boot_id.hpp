#pragma once
// Which boot of the machine this is: a record written now can tell a later
// process whether the machine restarted in between. A process killed with
// kill -9 leaves its writes in the page cache, where the next process finds
// them; a machine that crashed or lost power may have lost any write that
// was not fsynced. Pieces a resume record lists are trusted as they are
// only when the record was written in this same boot.
#include <string>

namespace p2p::files {

// The kernel's random id of this boot (/proc/sys/kernel/random/boot_id),
// empty when it cannot be read: then no record counts as written in this
// boot, and every resumed piece is checked again (slower, never wrong).
std::string current_boot_id();

// Whether pieces recorded under `recorded` can be trusted without reading
// them back, now that the machine runs boot `current`.
inline bool written_this_boot(const std::string& recorded, const std::string& current) {
    return !current.empty() && recorded == current;
}

}  // namespace p2p::files
