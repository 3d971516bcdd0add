#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <unistd.h>

namespace p2p::files::test {

namespace fs = std::filesystem;

// A fresh directory per test, so tests can run in parallel (ctest -j) and
// nothing leaks between them.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "p2p_files_XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        // Tests chmod things; give permissions back so removal works as non-root.
        for (auto it = fs::recursive_directory_iterator(path_, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory()) fs::permissions(it->path(), fs::perms::owner_all,
                                                    fs::perm_options::add, ec);
        }
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const fs::path& p, const std::string& bytes) {
    // Unlink first: on ext4, truncating a file that has data and rewriting it
    // forces a flush on close (auto_da_alloc), ~10 ms per write.
    std::error_code ec;
    fs::remove(p, ec);
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("write_file failed: " + p.string());
}

inline std::string random_bytes(std::size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

// SHA-256 straight from OpenSSL's one-shot call, independent of the code
// under test.
inline std::string ref_sha256(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("EVP_Digest failed");
    }
    return std::string(reinterpret_cast<char*>(md), len);
}

}  // namespace p2p::files::test
