// Catch2's main for test_scenario_script.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
