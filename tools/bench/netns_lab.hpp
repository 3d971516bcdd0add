#pragma once
// A small network of network namespaces for bench swarm: a bridge
// p2pb<PID>br in the bench's own namespace and `hosts` namespaces
// p2pb<PID>n<I>, each joined to the bridge by a veth pair (the bridge end
// is called p2pb<PID>n<I> too, the inner end eth0) and addressed
// 10.77.0.<I+1>/24. Every name carries the bench's pid, so the lab touches
// nothing it did not make; nothing outside it gets an address or a route.
//
// An upload cap is a tbf qdisc on the inner eth0: the namespace's egress,
// which is everything its processes send (pieces out), while what they
// receive arrives uncapped.
//
// Clean-up: a janitor process, forked before anything is created, waits on
// a pipe from the bench; when the pipe closes (the lab's destructor, or the
// bench dying in any way, SIGKILL included) it deletes the namespaces and
// the bridge (the veths go with their namespaces) and, if given, a work
// dir. It ignores SIGINT/SIGTERM/SIGHUP and has a session of its own, so
// that the Ctrl-C or the kill that ends the bench does not end it first.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "child_process.hpp"

namespace bench {

// What one namespace's eth0 has sent so far.
struct TxCounters {
    uint64_t bytes = 0;    // on the wire, Ethernet, IP and TCP headers included (what tbf counts)
    uint64_t dropped = 0;  // by its qdisc (tbf's queue full), 0 when uncapped
};

class NetnsLab {
public:
    // Why this bench cannot make one here (not root, no ip or tc); nullopt when it can.
    static std::optional<std::string> unavailable();

    // Creates the bridge and the namespaces; throws SetupError (after
    // removing what it made) when a step fails. remove_on_exit: a dir for
    // the janitor to delete as well (empty: none).
    NetnsLab(std::size_t hosts, std::filesystem::path remove_on_exit);
    ~NetnsLab();  // closes the janitor's pipe and waits for it to clean up
    NetnsLab(const NetnsLab&) = delete;
    NetnsLab& operator=(const NetnsLab&) = delete;

    std::size_t hosts() const { return hosts_; }
    std::string ns(std::size_t host) const;
    std::string ip(std::size_t host) const;
    // Run a program in that namespace at its address: `ip netns exec NS`,
    // which execs the program in place (the pid the bench sees is its own).
    ProcessPlace place(std::size_t host) const;

    // tbf on the host's eth0 at bits_per_s (replacing any earlier cap); see tbf_burst_bytes.
    void cap_upload(std::size_t host, uint64_t bits_per_s);
    // The tbf bucket for a rate: 64 KiB (the largest GSO packet, which tbf
    // then never has to split) or 5 ms at the rate, whichever is larger.
    static uint64_t tbf_burst_bytes(uint64_t bits_per_s);
    static constexpr int kTbfLatencyMs = 50;

    TxCounters tx(std::size_t host);
    // Only the bytes, cheaply (a sysfs read): for sampling during a run.
    uint64_t sent_bytes(std::size_t host) const;

private:
    // Runs ip or tc with args; throws SetupError with its stderr when it fails. Returns its stdout.
    std::vector<std::string> run(const std::string& program, const std::vector<std::string>& args);
    void start_janitor(const std::filesystem::path& remove_on_exit);

    std::string prefix_;  // "p2pb<PID>"
    std::size_t hosts_ = 0;
    std::string ip_bin_, tc_bin_;
    pid_t janitor_ = -1;
    int janitor_pipe_ = -1;  // the write end; closing it starts the clean-up
};

}  // namespace bench
