#pragma once
// What the REPL prints for tracker replies and events: one item per line,
// failures as one "error: " line, events as one "notice: " line. Pure, so the
// wording is tested without a tracker.
#include <optional>
#include <string>
#include <vector>

#include "messages/envelope.hpp"
#include "messages/tracker_events.hpp"

namespace p2p::node {

std::vector<std::string> reply_lines(const Envelope& reply);

// 512 B, 1.5 KiB, 64.0 MiB, 1.5 GiB.
std::string human_size(uint64_t bytes);

// nullopt for events this user need not hear about (their own actions).
std::optional<std::string> notice_line(const msg::TrackerEvent& event, const std::string& topic,
                                       const std::string& me);

}  // namespace p2p::node
