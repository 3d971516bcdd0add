#pragma once
// Tracker RPC for files (protocol version 1, same envelope and connection as
// tracker_protocol.hpp).
//
//   C:ShareFile    ( S:Ok / S:Error )        register a file and/or add this node as a source
//   C:StopShare    ( S:Ok / S:Error )        this user stops sharing it
//   C:ListFiles    ( S:FileList / S:Error )  members only
//   C:GetFile      ( S:FileDetails / S:Error )  metadata + sources + a ticket
//   C:GetSources   ( S:SourceList / S:Error )   fresh sources + a fresh ticket
//
// The bytes never pass through the tracker: it hands out metadata, the
// endpoints of the members that serve the file, and a ticket signed with its
// Ed25519 key that piece servers check (peer_protocol.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/file_meta.hpp"
#include "messages/kind.hpp"

namespace p2p::msg {

struct ShareFile {
    static constexpr Kind kind = Kind::ShareFile;
    std::string token;
    std::string group;
    files::FileMeta meta;
    bool complete = true;  // false: a downloader serving the pieces it has so far
    MSGPACK_DEFINE_MAP(token, group, meta, complete);
};

struct StopShare {
    static constexpr Kind kind = Kind::StopShare;
    std::string token;
    std::string group;
    std::string name;
    MSGPACK_DEFINE_MAP(token, group, name);
};

struct ListFiles {
    static constexpr Kind kind = Kind::ListFiles;
    std::string token;
    std::string group;
    MSGPACK_DEFINE_MAP(token, group);
};

struct FileSummary {
    std::string name;
    uint64_t size = 0;
    uint32_t sources_online = 0;   // complete and partial
    uint32_t complete_online = 0;
    uint32_t sharers = 0;          // users sharing it, online or not
    MSGPACK_DEFINE_MAP(name, size, sources_online, complete_online, sharers);
};

struct FileList {
    static constexpr Kind kind = Kind::FileList;
    std::vector<FileSummary> files;
    MSGPACK_DEFINE_MAP(files);
};

struct GetFile {
    static constexpr Kind kind = Kind::GetFile;
    std::string token;
    std::string group;
    std::string name;
    MSGPACK_DEFINE_MAP(token, group, name);
};

struct Source {
    std::string user;
    std::string endpoint;  // IP:PORT of its piece server
    bool complete = false;
    std::string key{};  // its node's CURVE public key: the downloader only talks to that key ("" in plain mode)
    MSGPACK_DEFINE_MAP(user, endpoint, complete, key);
};

// Lets its holder fetch pieces of one file for a while. signature is
// Ed25519 by the tracker over ticket_signed_bytes() (see ticket.hpp).
struct Ticket {
    std::string user;
    std::string group;
    std::string file_id;
    uint64_t expires = 0;  // unix seconds
    std::string signature;
    std::string holder{};  // the CURVE key of the node it was issued to: nobody else may use it ("" in plain mode)
    MSGPACK_DEFINE_MAP(user, group, file_id, expires, signature, holder);
};

struct FileDetails {
    static constexpr Kind kind = Kind::FileDetails;
    std::string group;
    files::FileMeta meta;
    std::vector<Source> sources;  // online only, the asking node excluded
    Ticket ticket;
    MSGPACK_DEFINE_MAP(group, meta, sources, ticket);
};

struct GetSources {
    static constexpr Kind kind = Kind::GetSources;
    std::string token;
    std::string group;
    std::string name;
    MSGPACK_DEFINE_MAP(token, group, name);
};

struct SourceList {
    static constexpr Kind kind = Kind::SourceList;
    std::string group;
    std::string name;
    std::vector<Source> sources;
    Ticket ticket;
    MSGPACK_DEFINE_MAP(group, name, sources, ticket);
};

}  // namespace p2p::msg
