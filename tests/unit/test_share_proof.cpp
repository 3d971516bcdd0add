// Downloads finished just before a machine crash are read back before they
// are shared again (node/share_proof.hpp). Real actor thread, real files.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <zmq_addon.hpp>

#include "node/files/boot_id.hpp"
#include "node/files/piece_hasher.hpp"
#include "node/share_proof.hpp"

using namespace p2p::node;
namespace fs = std::filesystem;

TEST_CASE("only a download finished in an earlier boot needs a proof", "[share-proof]") {
    const std::string now = p2p::files::current_boot_id();
    ServeFile share;
    CHECK_FALSE(needs_proof(share, now));  // shared by the user
    share.boot_id = now;
    CHECK_FALSE(needs_proof(share, now));  // finished in this boot: the page cache has it
    share.boot_id = "00000000-0000-4000-8000-000000000001";
    CHECK(needs_proof(share, now));
    share.boot_id = now;
    CHECK(needs_proof(share, ""));  // this boot unknown: prove rather than trust
}

TEST_CASE("the proof reports each share in order: intact, damaged, missing", "[share-proof]") {
    char tmpl[] = "/tmp/p2p-share-proof.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const fs::path dir(tmpl);
    const auto write = [&](const std::string& name, const std::string& bytes) {
        std::ofstream(dir / name, std::ios::binary) << bytes;
        return (dir / name).string();
    };
    std::string bytes(3 * 64 * 1024 + 5, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 13 + 7);
    const std::string good = write("good.bin", bytes);
    const std::string bad = write("bad.bin", bytes);
    const auto meta = p2p::files::hash_file(good, 64 * 1024);
    REQUIRE(meta);
    std::string damaged = bytes;
    damaged[64 * 1024 + 3] ^= 1;  // one bit of the second piece
    write("bad.bin", damaged);

    std::vector<ServeFile> shares{{"g", good, *meta, "x"}, {"g", bad, *meta, "x"},
                                  {"g", (dir / "gone.bin").string(), *meta, "x"}};
    std::map<std::size_t, std::string> got;
    {
        zmq::context_t ctx;
        auto proof = start_share_proof(ctx, shares);
        while (got.size() < shares.size()) {
            zmq::multipart_t m;
            REQUIRE(m.recv(proof->pipe()));
            REQUIRE(m.size() == 3);
            CHECK(m[0].to_string() == "PROVED");
            got[std::stoul(m[1].to_string())] = m[2].to_string();
        }
    }
    CHECK(got.at(0).empty());
    CHECK(got.at(1) == "its bytes no longer match their hashes");
    CHECK_THAT(got.at(2), Catch::Contains("gone.bin"));
    fs::remove_all(dir);
}
