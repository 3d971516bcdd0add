// Catch2's main for test_zmq_monitor.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
