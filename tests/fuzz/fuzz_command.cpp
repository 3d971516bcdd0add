// decode_command, the journal payload decoder, on any bytes; then what the
// tracker does with a decoded command: apply() it to a live state (the
// sample history's: two users logged in, a group, a file). Whatever a client
// sends must leave the state within the machine's rules, and a refusal must
// leave it untouched.
#include <variant>

#include "fuzz_command.hpp"
#include "sample_history.hpp"
#include "tests/unit/machine_invariants.hpp"
#include "tracker/core/machine.hpp"

using namespace p2p::tracker;

namespace {

const State& live_state() {
    static const State state = [] {
        State s;
        for (const auto& c : fuzz::sample_history()) p2p::tracker::apply(s, c);
        return s;
    }();
    return state;
}

// The tracker builds these itself, after work the machine must not do; a
// client cannot send them, so only the client's commands are held to the rules.
bool from_a_client(const Command& c) {
    return !std::holds_alternative<StoredCreateUser>(c) && !std::holds_alternative<StoredOpenSession>(c) &&
           !std::holds_alternative<StoredCloseSession>(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view payload = fuzz::as_text(data, size);
    fuzz::check_command(payload);
    auto command = decode_command(payload);
    if (!command) return 0;
    State state = live_state();
    const Outcome outcome = p2p::tracker::apply(state, *command);
    if (!outcome.changed) {
        FUZZ_CHECK(state == live_state(), "a command that changed nothing changed the state");
        FUZZ_CHECK(outcome.events.empty(), "a command that changed nothing has events");
    }
    if (from_a_client(*command)) {
        const auto broken = testing::broken_invariant(state);
        FUZZ_CHECK(!broken, "a client's command broke a rule: " + broken.value_or(""));
    }
    FUZZ_CHECK(decode_state(encode_state(state)) == state, "the state does not survive a snapshot");
    return 0;
}
