// The log (actors/log.hpp): levels, the line format, a file of its own.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "actors/log.hpp"

using namespace p2p;

TEST_CASE("log levels parse by name only", "[log]") {
    CHECK(logging::parse_level("error") == logging::Level::error);
    CHECK(logging::parse_level("warn") == logging::Level::warn);
    CHECK(logging::parse_level("info") == logging::Level::info);
    CHECK(logging::parse_level("debug") == logging::Level::debug);
    CHECK(!logging::parse_level("INFO"));
    CHECK(!logging::parse_level("verbose"));
    CHECK(!logging::parse_level(""));
}

TEST_CASE("log lines: timestamp, level, component, one line each, whole under threads", "[log]") {
    const auto dir = std::filesystem::temp_directory_path() / ("p2p-log-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "node.log";
    logging::open(file, logging::Level::info);
    logging::debug("repl", "not at info");
    logging::info("session", "tracker ", 7, " answered\nforged line");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t] {
            for (int i = 0; i < 200; ++i) logging::warn("thread", t, ":", i, std::string(100, 'x'));
        });
    }
    for (auto& th : threads) th.join();

    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() == 1 + 4 * 200);
    const std::regex first(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  session: tracker 7 answered forged line)");
    CHECK(std::regex_match(lines[0], first));
    const std::regex warn(R"(\S+ WARN  thread: [0-3]:\d+x{100})");
    for (std::size_t i = 1; i < lines.size(); ++i) CHECK(std::regex_match(lines[i], warn));
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::others_read) ==
          std::filesystem::perms::none);
    std::filesystem::remove_all(dir);
}
