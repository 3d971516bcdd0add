#include <catch2/catch.hpp>
#include <cstring>
#include <zmq.h>

#include "tools/zmq-monitor/link_state.hpp"

using namespace p2p::monitor;

TEST_CASE("only the socket-monitor events a user cares about map to a Link") {
    CHECK(link_from_zmq_event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == Link::Connected);
    CHECK(link_from_zmq_event(ZMQ_EVENT_DISCONNECTED) == Link::Disconnected);
    CHECK(link_from_zmq_event(ZMQ_EVENT_CONNECT_RETRIED) == Link::Retrying);
    CHECK(link_from_zmq_event(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) == Link::HandshakeFailed);
    CHECK_FALSE(link_from_zmq_event(ZMQ_EVENT_CONNECTED).has_value());  // TCP only, before ZMTP
    CHECK_FALSE(link_from_zmq_event(ZMQ_EVENT_CONNECT_DELAYED).has_value());
    CHECK_FALSE(link_from_zmq_event(ZMQ_EVENT_CLOSED).has_value());
    CHECK(link_name(Link::HandshakeFailed) == "handshake_failed");
}

TEST_CASE("parse_monitor_message reads the 4.x two-frame layout") {
    char first[6];
    const uint16_t ev = ZMQ_EVENT_CONNECT_RETRIED;
    const uint32_t value = 200;
    std::memcpy(first, &ev, 2);
    std::memcpy(first + 2, &value, 4);
    auto e = parse_monitor_message(std::string_view(first, 6), "tcp://127.0.0.1:6001");
    REQUIRE(e.has_value());
    CHECK(e->event == ZMQ_EVENT_CONNECT_RETRIED);
    CHECK(e->value == 200);
    CHECK(e->address == "tcp://127.0.0.1:6001");
    CHECK_FALSE(parse_monitor_message("abc", "x").has_value());
}

TEST_CASE("LinkState reports each trouble once per outage") {
    LinkState s;
    CHECK(s.report(Link::Retrying));        // tracker not up yet
    CHECK_FALSE(s.report(Link::Retrying));  // every reconnect interval: quiet
    CHECK(s.report(Link::Connected));
    CHECK_FALSE(s.report(Link::Connected));
    CHECK(s.report(Link::Disconnected));    // tracker went away
    CHECK(s.report(Link::Retrying));
    CHECK_FALSE(s.report(Link::Retrying));
    CHECK_FALSE(s.report(Link::Disconnected));
    CHECK(s.report(Link::Connected));       // and came back
    CHECK(s.report(Link::Disconnected));
    CHECK(s.report(Link::HandshakeFailed));
    CHECK_FALSE(s.report(Link::HandshakeFailed));
}

TEST_CASE("a failed handshake gets a hint that names the likely cause") {
    CHECK_THAT(handshake_hint(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400, true),
               Catch::Contains("add it to the tracker's DATA/monitor_keys"));
    CHECK_THAT(handshake_hint(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, true),
               Catch::Contains("does not use CURVE"));
    CHECK_THAT(handshake_hint(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, false),
               Catch::Contains("drop --plain"));
    CHECK_THAT(handshake_hint(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, 0, true), Catch::Contains("server key"));
    CHECK_THAT(handshake_hint(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, 0, false), Catch::Contains("uses CURVE"));
}
