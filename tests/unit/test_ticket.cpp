// Download tickets (messages/ticket.hpp) and the tracker's key file
// (tracker/ticket_key_file.hpp).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "messages/envelope.hpp"
#include "messages/file_protocol.hpp"
#include "messages/random_id.hpp"
#include "messages/sha256.hpp"
#include "messages/ticket.hpp"
#include "tracker/ticket_key_file.hpp"

using namespace p2p;

namespace {

constexpr uint64_t kNow = 1'700'000'000;

const std::string kFileId = files::sha256("the file");

msg::Ticket signed_ticket(const TicketKey& key, uint64_t expires = kNow + 120) {
    msg::Ticket t{"bob", "g1", kFileId, expires, {}};
    sign_ticket(key, t);
    return t;
}

std::string check(const TicketKey& key, const msg::Ticket& t, const std::string& file_id = kFileId,
                  uint64_t now = kNow) {
    auto r = check_ticket(key.public_key, t, file_id, now);
    return r.ok() ? "ok" : r.error();
}

// A fresh directory under the system temp dir, removed at the end.
struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("p2p-ticket-test-" + random_hex(8));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("ticket keys: 32-byte seed and public key, derived deterministically", "[ticket]") {
    const auto key = generate_ticket_key();
    CHECK(key.private_key.size() == 32);
    CHECK(key.public_key.size() == 32);
    CHECK(ticket_key_from_private(key.private_key).public_key == key.public_key);
    CHECK(generate_ticket_key().private_key != key.private_key);
    CHECK_THROWS(ticket_key_from_private(std::string(31, 'k')));
    CHECK_THROWS(ticket_key_from_private(""));
}

TEST_CASE("tickets: a signed ticket verifies", "[ticket]") {
    const auto key = generate_ticket_key();
    const auto t = signed_ticket(key);
    CHECK(t.signature.size() == 64);
    CHECK(check(key, t) == "ok");

    SECTION("signing is deterministic (Ed25519) and leaves the other fields alone") {
        auto again = msg::Ticket{"bob", "g1", kFileId, kNow + 120, "old signature"};
        sign_ticket(key, again);
        CHECK(again.signature == t.signature);
        CHECK(again.user == "bob");
        CHECK(again.expires == kNow + 120);
    }
    SECTION("it still verifies after a trip through the wire format") {
        msg::FileDetails details{"g1", {}, {}, t};
        auto env = decode_envelope(encode(7, details));
        REQUIRE(env.ok());
        auto back = env->as<msg::FileDetails>();
        REQUIRE(back.ok());
        CHECK(check(key, back->ticket) == "ok");
    }
    SECTION("valid up to and including its expiry second") {
        CHECK(check(key, t, kFileId, kNow + 120) == "ok");
        CHECK(check(key, t, kFileId, kNow + 121) == "ticket expired");
    }
}

TEST_CASE("tickets: any change to a signed field breaks the signature", "[ticket]") {
    const auto key = generate_ticket_key();
    const auto good = signed_ticket(key);

    SECTION("user") {
        auto t = good;
        t.user = "mallory";
        CHECK(check(key, t) == "ticket signature invalid");
    }
    SECTION("group") {
        auto t = good;
        t.group = "g2";
        CHECK(check(key, t) == "ticket signature invalid");
    }
    SECTION("file id (checked against the tampered id, so only the signature catches it)") {
        auto t = good;
        const std::string other = files::sha256("another file");
        t.file_id = other;
        CHECK(check(key, t, other) == "ticket signature invalid");
    }
    SECTION("holder: a ticket copied to another node's key") {
        auto t = good;
        t.holder = "another node's key";
        CHECK(check(key, t) == "ticket signature invalid");
    }
    SECTION("expires, later") {
        auto t = good;
        t.expires += 3600;
        CHECK(check(key, t) == "ticket signature invalid");
    }
    SECTION("each byte of the signature") {
        for (std::size_t i = 0; i < good.signature.size(); ++i) {
            auto t = good;
            t.signature[i] = static_cast<char>(t.signature[i] ^ 0x01);
            INFO("byte " << i);
            CHECK(check(key, t) == "ticket signature invalid");
        }
    }
    SECTION("moving bytes between user and group changes what is signed") {
        msg::Ticket a{"ab", "c", kFileId, kNow, {}};
        msg::Ticket b{"a", "bc", kFileId, kNow, {}};
        CHECK(ticket_signed_bytes(a) != ticket_signed_bytes(b));
        sign_ticket(key, a);
        b.signature = a.signature;
        CHECK(check(key, b) == "ticket signature invalid");
    }
}

TEST_CASE("tickets: refused for the wrong file, when expired, under another key, malformed", "[ticket]") {
    const auto key = generate_ticket_key();
    const auto t = signed_ticket(key);

    CHECK(check(key, t, files::sha256("another file")) == "ticket is for another file");
    CHECK(check(key, t, "") == "ticket is for another file");
    CHECK(check(key, signed_ticket(key, kNow - 1)) == "ticket expired");
    CHECK(check(key, signed_ticket(key, 0)) == "ticket expired");

    const auto other = generate_ticket_key();
    CHECK(check(other, t) == "ticket signature invalid");
    CHECK(check_ticket(std::string(31, 'k'), t, kFileId, kNow).error() == "no tracker key to check the ticket with");
    CHECK(check_ticket("", t, kFileId, kNow).error() == "no tracker key to check the ticket with");

    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{65}, std::size_t{128}}) {
        auto bad = t;
        bad.signature = t.signature;
        bad.signature.resize(len, '\0');
        INFO("signature of " << len << " bytes");
        CHECK(check(key, bad) == "ticket signature malformed");
    }
}

TEST_CASE("tracker ticket key file: made once, 0600, then reused", "[ticket][tracker]") {
    TempDir dir;
    const auto data = dir.path / "tracker-1";  // does not exist yet
    const auto path = data / tracker::kTicketKeyFile;

    const TicketKey key = tracker::load_or_create_ticket_key(data);
    REQUIRE(std::filesystem::exists(path));
    CHECK(read_file(path) == key.private_key);
    CHECK(key.public_key == ticket_key_from_private(key.private_key).public_key);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(std::filesystem::exists(data / "ticket_key.tmp"));

    SECTION("the next start loads the same key: its tickets stay valid") {
        const TicketKey again = tracker::load_or_create_ticket_key(data);
        CHECK(again.private_key == key.private_key);
        CHECK(again.public_key == key.public_key);
        CHECK(check(again, signed_ticket(key)) == "ok");
    }
    SECTION("a leftover temp file from a crash is ignored") {
        write_file(data / "ticket_key.tmp", "torn");
        CHECK(tracker::load_or_create_ticket_key(data).private_key == key.private_key);
    }
    SECTION("a key file of the wrong size stops the tracker from starting") {
        write_file(path, std::string(31, 'k'));
        CHECK_THROWS_WITH(tracker::load_or_create_ticket_key(data), Catch::Contains("not a 32-byte Ed25519 key (31 bytes)"));
        write_file(path, std::string(33, 'k'));
        CHECK_THROWS_WITH(tracker::load_or_create_ticket_key(data), Catch::Contains("more than 32 bytes"));
        write_file(path, "");
        CHECK_THROWS_WITH(tracker::load_or_create_ticket_key(data), Catch::Contains("(0 bytes)"));
    }
    SECTION("a crash before the rename leaves no key: the next start makes one") {
        std::filesystem::remove(path);
        write_file(data / "ticket_key.tmp", std::string(32, 'x'));
        const TicketKey fresh = tracker::load_or_create_ticket_key(data);
        CHECK(fresh.private_key != std::string(32, 'x'));
        CHECK(read_file(path) == fresh.private_key);
        CHECK_FALSE(std::filesystem::exists(data / "ticket_key.tmp"));
    }
}
