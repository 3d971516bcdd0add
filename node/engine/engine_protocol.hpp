#pragma once
// The transfer engine's pipe protocol (parent = the REPL). Frames:
// [op][msgpack body], body absent where noted.
//
//   in:  "KEY"     [tracker ticket public key]     checks tickets when serving
//        "SERVE"   ServeFile                       serve a complete file
//        "UNSERVE" ServeFile (group, meta.name)    stop serving it
//        "START"   StartDownload                   begin or resume a download
//        "SOURCES" msg::SourceList                 fresh sources + ticket for a download
//        "SOURCES_FAILED" SourcesFailed            the tracker gave no source list (why)
//        "STATUS"  (no body)                       -> out "STATUS" [lines]
//        "UPLOADS" (no body)                       -> out "UPLOADS" [lines]
//        "RESET"   (no body)                       logout: stop serving, pause downloads
//   out: "ANNOUNCE" Announce                       tell the tracker we serve it
//        "NEED_SOURCES" [group][name]              ask the tracker for sources
//        "DONE"   ServeFile                        downloaded, verified, now served
//        "FAILED" [group][name][reason]           download stopped with an error
//        "PROGRESS" [group][name][percent]        crossed 25, 50 or 75 %
//        "NOTE" [text]                            something the user should hear about
#include <string>

#include <msgpack.hpp>

#include "messages/bounded_unpack.hpp"
#include "messages/file_meta.hpp"
#include "messages/file_protocol.hpp"

namespace p2p::node {

struct ServeFile {
    std::string group;
    std::string path;
    files::FileMeta meta;
    // A finished download: the boot it finished in, until a later boot has
    // read it back (node/share_proof.hpp). Empty for a file the user shared.
    std::string boot_id;
    MSGPACK_DEFINE_MAP(group, path, meta, boot_id);
};

struct StartDownload {
    std::string group;
    files::FileMeta meta;
    std::string dest_dir;
    std::string resume_path;  // where the resume record lives
    std::string have;         // bitfield bytes from the resume record, or empty
    std::string have_boot_id;  // the boot the record was written in (files/boot_id.hpp)
    std::vector<msg::Source> sources;
    msg::Ticket ticket;
    MSGPACK_DEFINE_MAP(group, meta, dest_dir, resume_path, have, have_boot_id, sources, ticket);
};

struct SourcesFailed {
    std::string group;
    std::string name;
    std::string code;  // the tracker's (or session's) Error code, e.g. "unreachable"
    std::string text;
    MSGPACK_DEFINE_MAP(group, name, code, text);
};

struct Announce {
    std::string group;
    files::FileMeta meta;
    bool complete = false;
    MSGPACK_DEFINE_MAP(group, meta, complete);
};

template <class T>
std::string pack_body(const T& body) {
    msgpack::sbuffer buf;
    msgpack::pack(buf, body);
    return std::string(buf.data(), buf.size());
}

// Our own pipe: a failure here is a bug, so it throws. Also reads
// shares.msgpack from the data dir, where a damaged file must cost an
// exception, not memory for the elements a corrupt header claims.
template <class T>
T unpack_body(const void* data, std::size_t size) {
    std::size_t offset = 0;
    auto handle = unpack_bounded(static_cast<const char*>(data), size, offset, msgpack::unpack_limit());
    T out;
    handle.get().convert(out);
    return out;
}

}  // namespace p2p::node
