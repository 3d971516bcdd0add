// The REPL's file commands and its relay between the transfer engine and the
// tracker session.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "messages/file_protocol.hpp"
#include "messages/names.hpp"
#include "messages/tracker_protocol.hpp"
#include "node/files/path_checks.hpp"
#include "node/files/piece_hasher.hpp"
#include "node/files/resume_record.hpp"
#include "node/repl.hpp"
#include "node/share_proof.hpp"
#include "node/tracker_text.hpp"
#include "node/transfer/bitfield.hpp"

namespace p2p::node {

namespace fs = std::filesystem;

namespace {

std::string error_text(const Envelope& reply) {
    if (reply.kind() == Kind::Error) {
        auto err = reply.as<msg::Error>();
        if (err) return err->text;
    }
    return "unexpected " + std::string(kind_name(reply.kind())) + " reply";
}

// A share the store cannot save (a full disk) is still served until logout;
// returns the notice that says so, or nothing.
std::optional<std::string> remember(ShareStore& store, const std::string& user, const ServeFile& share) {
    const std::string err = store.add(user, share);
    if (err.empty()) return std::nullopt;
    return "notice: serving " + share.meta.name + " in " + share.group +
           ", but the next login will not share it again: " + err;
}

// What a download still has to fetch, given the pieces its resume record has.
uint64_t bytes_missing(const files::FileMeta& meta, const std::string& have) {
    auto bits = transfer::Bitfield::from_bytes(have, meta.piece_hashes.size());
    if (!bits) return meta.size;
    uint64_t missing = 0;
    bits->for_each_missing([&](transfer::PieceIndex i) { missing += files::piece_length(meta, i.value); });
    return missing;
}

std::string download_key(const std::string& group, const std::string& name) { return group + "/" + name; }

double seconds_since(const DownloadClock& clock) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - clock.started).count();
}

std::string seconds_text(double secs) {
    char text[32];
    std::snprintf(text, sizeof text, secs < 1 ? "%.2f s" : "%.1f s", secs);
    return text;
}

// "in 2.1 s, 45.6 MiB/s"
std::string elapsed_and_rate(const DownloadClock& clock) {
    const double secs = seconds_since(clock);
    std::string text = "in " + seconds_text(secs);
    if (secs > 0) text += ", " + human_size(static_cast<uint64_t>(static_cast<double>(clock.to_fetch) / secs)) + "/s";
    return text;
}

}  // namespace

void Repl::execute_file_command(const ParsedCommand& cmd) {
    const auto& a = cmd.args;
    const std::string& name = cmd.name;
    if (name == "show_downloads" || name == "show_uploads") {
        busy_ = true;
        engine_wait_ = name == "show_downloads" ? "STATUS" : "UPLOADS";
        return engine_send(engine_wait_.c_str());
    }
    if (name == "list_files") {
        if (auto bad = check_name("group", a[0])) return print("error: " + *bad);
        return ask(name, msg::ListFiles{{}, a[0]});
    }
    if (name == "upload_file") return upload(a[0], a[1]);
    if (name == "download_file") return download(a[0], a[1], a[2]);
    if (name == "stop_share") {
        if (auto bad = check_name("group", a[0])) return print("error: " + *bad);
        if (auto bad = check_file_name(a[1])) return print("error: file name " + *bad);
        return ask(name, msg::StopShare{{}, a[0], a[1]}, [this, group = a[0], file = a[1]](const Envelope& r) {
            for (const auto& line : reply_lines(r)) print(line);
            if (r.kind() != Kind::Ok) return;
            std::string err;
            if (auto removed = store_.remove(user_, group, file, &err)) engine_send("UNSERVE", pack_body(*removed));
            if (!err.empty()) print("notice: the next login may share " + file + " in " + group + " again: " + err);
        });
    }
}

// Hashing runs on its own thread so that the REPL keeps printing notices and
// the engine keeps serving while a big file is hashed.
void Repl::upload(const std::string& path_text, const std::string& group) {
    if (auto bad = check_name("group", group)) return print("error: " + *bad);
    auto path = files::check_upload_path(path_text);
    if (!path) return print("error: " + path.error());
    busy_ = true;
    const std::string path_str = path->string();
    hash_job_ = std::make_unique<actors::Actor>(ctx_, "hash-job", [path_str](zmq::socket_t& pipe) {
        actors::signal_ready(pipe);
        auto meta = files::hash_file(path_str);
        zmq::multipart_t out;
        out.addstr(meta ? "OK" : "ERR");
        out.addstr(meta ? pack_body(*meta) : meta.error());
        out.send(pipe);
        zmq::message_t term;
        (void)pipe.recv(term);  // wait for $TERM so the parent joins a finished thread
    });
    loop_->on(hash_job_->pipe(), [this, group, path_str] {
        zmq::multipart_t m;
        if (!m.recv(hash_job_->pipe(), static_cast<int>(zmq::recv_flags::dontwait)) || m.size() != 2) return;
        loop_->remove(hash_job_->pipe());
        const bool ok = m[0].to_string_view() == "OK";
        const std::string body = m[1].to_string();
        hash_job_.reset();
        if (!ok) {
            print("error: " + body);
            return command_done();
        }
        uploaded(group, path_str, body);
    });
}

void Repl::uploaded(const std::string& group, const std::string& path, const std::string& packed_meta) {
    auto meta = unpack_body<files::FileMeta>(packed_meta.data(), packed_meta.size());
    ask("upload_file", msg::ShareFile{{}, group, meta, true}, [this, group, path, meta](const Envelope& r) {
        for (const auto& line : reply_lines(r)) print(line);
        if (r.kind() != Kind::Ok) return;
        ServeFile share{group, path, meta, {}};
        if (auto notice = remember(store_, user_, share)) print(*notice);
        engine_send("SERVE", pack_body(share));
    });
}

void Repl::download(const std::string& group, const std::string& name, const std::string& dest_text) {
    if (auto bad = check_name("group", group)) return print("error: " + *bad);
    if (auto bad = check_file_name(name)) return print("error: file name " + *bad);
    auto dest = files::check_dest_dir(dest_text);
    if (!dest) return print("error: " + dest.error());
    const fs::path final_path = *dest / name;
    std::error_code ec;
    if (fs::exists(final_path, ec)) {
        return print("error: " + final_path.string() + " already exists; not overwriting it");
    }
    const std::string dest_dir = dest->string();
    ask("download_file", msg::GetFile{{}, group, name}, [this, group, name, dest_dir](const Envelope& r) {
        if (r.kind() != Kind::FileDetails) return print("error: " + error_text(r));
        auto details = r.as<msg::FileDetails>();
        if (!details) return print("error: unreadable file details: " + details.error());
        if (auto valid = files::check_meta(details->meta); !valid) return print("error: " + valid.error());
        if (details->meta.name != name) return print("error: the tracker sent metadata for another file");
        const auto resume = store_.resume_path(user_, group, details->meta, dest_dir);
        std::string have;
        std::string have_boot;
        if (auto rec = files::load_resume(resume); rec && rec->meta.file_id == details->meta.file_id) {
            have = rec->have;
            have_boot = rec->boot_id;
        }
        const fs::path part = fs::path(dest_dir) / (name + ".part");
        std::error_code ec;
        if (have.empty() && fs::exists(part, ec)) {
            return print("error: " + part.string() + " exists and is not a download of this node; not overwriting it");
        }
        // Said now rather than by a notice after "ok": the engine reserves
        // the whole file up front and would stop at once. A resumed .part
        // holds its space already.
        if (const auto space = fs::space(dest_dir, ec); have.empty() && !ec && space.available < details->meta.size) {
            return print("error: no space left on device for " + name + " in " + dest_dir + ": it needs " +
                         human_size(details->meta.size) + ", " + human_size(space.available) + " free");
        }
        start_download(
            {group, details->meta, dest_dir, resume.string(), have, have_boot, details->sources, details->ticket});
        const auto n = details->sources.size();
        const std::string ok = "ok: downloading " + name + " (" + human_size(details->meta.size) + ", " +
                               std::to_string(details->meta.piece_hashes.size()) + " pieces) from " +
                               std::to_string(n) + " source(s) into " + dest_dir +
                               (n == 0 ? "; no source online yet, it starts when one appears" : "");
        // Announce ourselves as a (partial) source before saying ok, so that a
        // downloader starting right after us finds us at once.
        chained_ = true;
        send(msg::ShareFile{{}, group, details->meta, false}, [this, ok](const Envelope& r) {
            print(ok);
            if (r.kind() == Kind::Error) print("notice: not serving the pieces as they arrive: " + error_text(r));
            command_done();
        });
    });
}

// Login resumes sharing everything shared before and every unfinished download.
void Repl::after_login() {
    std::vector<ServeFile> unproven;
    for (const auto& share : store_.shares(user_)) {
        if (needs_proof(share, boot_id_)) {
            unproven.push_back(share);
        } else {
            engine_send("SERVE", pack_body(share));
        }
    }
    announce_shares();
    prove_shares(std::move(unproven));
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store_.downloads_dir(user_), ec)) {
        if (entry.path().extension() != ".resume") continue;
        auto rec = files::load_resume(entry.path());
        if (!rec) {
            print("notice: ignoring a damaged resume record " + entry.path().string() + ": " + rec.error());
            continue;
        }
        start_download({rec->group, rec->meta, rec->dest_dir, entry.path().string(), rec->have, rec->boot_id, {}, {}});
        print("notice: resuming download of " + rec->meta.name + " in " + rec->group);
    }
}

void Repl::start_download(const StartDownload& start) {
    engine_send("START", pack_body(start));
    // A second start of a running download changes nothing in the engine.
    const DownloadClock clock{std::chrono::steady_clock::now(), bytes_missing(start.meta, start.have)};
    download_clocks_.try_emplace(download_key(start.group, start.meta.name), clock);
}

std::optional<DownloadClock> Repl::take_download_clock(const std::string& group, const std::string& name) {
    auto it = download_clocks_.find(download_key(group, name));
    if (it == download_clocks_.end()) return std::nullopt;
    const DownloadClock clock = it->second;
    download_clocks_.erase(it);
    return clock;
}

// Tells the tracker again what this user shares: after a login, and after a
// failover in case the new primary missed an announcement.
void Repl::announce_shares() {
    for (const auto& share : store_.shares(user_)) {
        if (!needs_proof(share, boot_id_)) announce_share(share);  // else announced once proven
    }
}

void Repl::announce_share(const ServeFile& share) {
    send(msg::ShareFile{{}, share.group, share.meta, true}, [this, share](const Envelope& r) {
        if (r.kind() == Kind::Error) print("notice: could not share " + share.meta.name + " again: " + error_text(r));
    });
}

void Repl::prove_shares(std::vector<ServeFile> shares) {
    if (shares.empty()) return;
    print("notice: the machine restarted since " + std::to_string(shares.size()) +
          " downloaded file(s) were written; reading them back before sharing them again");
    proving_ = shares;
    share_proof_ = start_share_proof(ctx_, std::move(shares));
    loop_->on(share_proof_->pipe(), [this] {
        zmq::multipart_t m;
        while (share_proof_ && m.recv(share_proof_->pipe(), static_cast<int>(zmq::recv_flags::dontwait))) {
            if (m.size() != 3 || m[0].to_string_view() != "PROVED") continue;
            const std::size_t i = std::stoul(m[1].to_string());
            if (i >= proving_.size()) continue;
            share_proved(proving_[i], m[2].to_string());
            if (i + 1 == proving_.size()) stop_share_proof();
        }
    });
}

void Repl::stop_share_proof() {
    if (!share_proof_) return;
    loop_->remove(share_proof_->pipe());
    share_proof_.reset();
    proving_.clear();
}

void Repl::share_proved(const ServeFile& proven, const std::string& mismatch) {
    const std::string what = proven.meta.name + " in " + proven.group;
    if (!mismatch.empty()) {
        std::string err;
        store_.remove(user_, proven.group, proven.meta.name, &err);
        print("notice: not sharing " + what + " any more: it was downloaded just before the machine restarted and " +
              mismatch + "; delete " + proven.path + " and download it again");
        if (!err.empty()) print("notice: the next login may try " + what + " again: " + err);
        return;
    }
    ServeFile share = proven;
    share.boot_id.clear();  // read back in a later boot: on disk for good
    if (auto notice = remember(store_, user_, share)) print(*notice);
    engine_send("SERVE", pack_body(share));
    announce_share(share);
    print("notice: " + what + " read back intact after the restart; sharing it again");
}

void Repl::handle_engine() {
    zmq::multipart_t m;
    while (m.recv(engine_.pipe(), static_cast<int>(zmq::recv_flags::dontwait))) {
        const std::string op = m.size() > 0 ? m[0].to_string() : "";
        if ((op == "STATUS" || op == "UPLOADS") && m.size() == 2 && op == engine_wait_) {
            const std::string text = m[1].to_string();
            if (text.empty()) print(op == "STATUS" ? "no downloads" : "not serving any file");
            print_text(text);
            engine_wait_.clear();
            command_done();
        } else if (op == "ANNOUNCE" && m.size() == 2 && !user_.empty()) {
            auto a = unpack_body<Announce>(m[1].data(), m[1].size());
            send(msg::ShareFile{{}, a.group, a.meta, a.complete}, [this, a](const Envelope& r) {
                if (r.kind() == Kind::Error) print("notice: could not announce " + a.meta.name + ": " + error_text(r));
            });
        } else if (op == "NEED_SOURCES" && m.size() == 3 && !user_.empty()) {
            send(msg::GetSources{{}, m[1].to_string(), m[2].to_string()},
                 [this, group = m[1].to_string(), name = m[2].to_string()](const Envelope& r) {
                     if (r.kind() == Kind::Error) {
                         // show_downloads then says why a stuck download stays stuck.
                         auto err = r.as<msg::Error>();
                         if (err) engine_send("SOURCES_FAILED", pack_body(SourcesFailed{group, name, err->code, err->text}));
                         return;
                     }
                     if (r.kind() != Kind::SourceList) return;
                     auto list = r.as<msg::SourceList>();
                     if (list) engine_send("SOURCES", pack_body(*list));
                 });
        } else if (op == "DONE" && m.size() == 2) {
            auto share = unpack_body<ServeFile>(m[1].data(), m[1].size());
            // Scripts find the path last, after the last ": ", as they did
            // before the timing came in between.
            auto clock = take_download_clock(share.group, share.meta.name);
            print("notice: download of " + share.meta.name + " in " + share.group + " complete and verified: " +
                  (clock ? elapsed_and_rate(*clock) + ": " : "") + share.path);
            if (!user_.empty()) {
                if (auto notice = remember(store_, user_, share)) print(*notice);
            }
        } else if (op == "NOTE" && m.size() == 2) {
            print("notice: " + m[1].to_string());
        } else if (op == "PROGRESS" && m.size() == 4) {
            print("notice: " + m[2].to_string() + " in " + m[1].to_string() + ": " + m[3].to_string() + "% downloaded");
        } else if (op == "FAILED" && m.size() == 4) {
            // Only a download has a clock: a share that cannot be served has none.
            auto clock = take_download_clock(m[1].to_string(), m[2].to_string());
            print("notice: download of " + m[2].to_string() + " in " + m[1].to_string() + " stopped: " +
                  m[3].to_string() + (clock ? " (after " + seconds_text(seconds_since(*clock)) + ")" : ""));
        }
        m.clear();
    }
}

}  // namespace p2p::node
