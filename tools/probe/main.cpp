// probe: tries, over real sockets, what an attacker with a CURVE key of
// their own would try, and says whether the system refused (docs/security.md).
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tools/probe/probes.hpp"

namespace {

const char* kUsage = R"usage(usage: probe stolen-ticket TRACKER_INFO USER PASSWORD GROUP FILE
       probe eavesdrop TRACKER_INFO N

Tries what an attacker with a CURVE key of their own would try against a
running system, and prints one line per step: "ok: ..." when the system
refused as it should, "error: ..." when it did not. Exit 0 when every step
behaved, 1 when one did not, 2 on a usage error. Each probe makes fresh
keys and gives up after 5 s without an answer.

stolen-ticket  logs in as USER (a member of GROUP) with key A and gets a
               ticket for FILE; from another key B, lists GROUP's files with
               A's session token (must be refused: forged) and asks the first
               source for piece 0 with A's ticket (must be refused); then
               asks again from A (must be served, and match the piece's hash).
eavesdrop      subscribes to tracker N's event port with a key that is no
               operator's (must be refused in the CURVE handshake).

example:
  probe stolen-ticket tracker_info.txt alice secret physics notes.pdf
)usage";

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string what = args[0];
    args.erase(args.begin());
    if (what == "stolen-ticket") return probe::stolen_ticket(args);
    if (what == "eavesdrop") return probe::eavesdrop(args);
    std::cerr << "error: unknown probe '" << what << "' (stolen-ticket or eavesdrop; see probe --help)\n";
    return 2;
}
