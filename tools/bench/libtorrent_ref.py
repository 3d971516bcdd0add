#!/usr/bin/env python3
"""libtorrent reference for `bench transfer` (docs/bench.md).

Moves the bench's file with libtorrent 2.0 on 127.0.0.1 only, so that
p2pshare's figures stand next to a real BitTorrent engine's on the same
machine, file and run:

  libtorrent_ref.py probe
      prints "libtorrent VERSION"; fails when the module does not import.
  libtorrent_ref.py run --file PATH --work DIR [--cases 1,3] [--timeout S]
      makes a v1 torrent of PATH (512 KiB pieces), then per case N starts N
      seeding sessions in this process and one downloading session in a
      child process (so that its memory is its own) which connects to them
      directly. Prints one line per case:
        case=N->1 seconds=S vmhwm_kib=K anon_peak_kib=A
      seconds: from add_torrent to torrent_finished_alert (every piece
      received and hash-checked), timed inside the downloader.
  libtorrent_ref.py leech ...   (the child; not for direct use)

Tuning as in ../shared/BENCHMARKS.md: high_performance_seed(), TCP only (no
uTP), no DHT / LSD / UPnP / NAT-PMP, several connections per IP (every peer
is 127.0.0.1), 8 MiB send buffer watermark, 16 MiB of queued disk bytes,
2 hashing and 4 disk threads, deep request queues.

A v1 torrent: one SHA-1 per piece, the cheapest check libtorrent does
(2.0's default hybrid torrent would hash every byte twice).
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

PIECE_SIZE = 512 * 1024

try:
    import libtorrent as lt
except ImportError as e:  # probe reports it; run and leech cannot go on
    lt = None
    IMPORT_ERROR = str(e)


def fail(text):
    print("error: " + text, file=sys.stderr, flush=True)
    sys.exit(1)


def settings():
    s = lt.high_performance_seed()
    s.update({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "send_buffer_watermark": 8 << 20,
        "max_queued_disk_bytes": 16 << 20,
        "hashing_threads": 2,
        "aio_threads": 4,
        "request_queue_time": 5,
        "max_out_request_queue": 2000,
        "alert_mask": int(lt.alert.category_t.status_notification | lt.alert.category_t.error_notification),
    })
    return s


def fatal_alert(a):
    return isinstance(a, (lt.torrent_error_alert, lt.file_error_alert, lt.listen_failed_alert))


def listening_session():
    """A session listening on a loopback port; returns (session, port)."""
    ses = lt.session(settings())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ses.wait_for_alert(100)
        for a in ses.pop_alerts():
            if fatal_alert(a):
                fail(a.message())
            if isinstance(a, lt.listen_succeeded_alert) and ses.listen_port():
                return ses, ses.listen_port()
    fail("a libtorrent session did not start listening on 127.0.0.1 within 10 s")


def make_torrent(path, out):
    fs = lt.file_storage()
    lt.add_files(fs, path)
    t = lt.create_torrent(fs, PIECE_SIZE, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(t, os.path.dirname(os.path.abspath(path)))
    with open(out, "wb") as f:
        f.write(lt.bencode(t.generate()))


def add_torrent(ses, torrent, save_path, seed):
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(torrent)
    atp.save_path = save_path
    # Not auto-managed, not paused: nothing queues it.
    atp.flags = lt.torrent_flags.seed_mode if seed else 0
    return ses.add_torrent(atp)


def proc_status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def die_with_parent():
    """The downloader must not outlive the run that started it (killed bench)."""
    import ctypes
    import signal
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))


def leech(args):
    die_with_parent()
    ses, _ = listening_session()
    anon_peak = proc_status_kib("RssAnon")
    start = time.monotonic()
    h = add_torrent(ses, args.torrent, args.save, seed=False)
    for port in args.peers.split(","):
        h.connect_peer(("127.0.0.1", int(port)))
    deadline = start + args.timeout
    done = False
    while not done:
        if time.monotonic() > deadline:
            fail("the download did not finish within %g s" % args.timeout)
        ses.wait_for_alert(50)
        for a in ses.pop_alerts():
            if fatal_alert(a):
                fail(a.message())
            done |= isinstance(a, lt.torrent_finished_alert)
        # Sampled: /proc keeps no peak of the anonymous part. VmHWM also
        # counts the downloaded file's pages, which libtorrent 2.0 maps.
        anon_peak = max(anon_peak, proc_status_kib("RssAnon"))
    seconds = time.monotonic() - start
    print("seconds=%.3f vmhwm_kib=%d anon_peak_kib=%d" % (seconds, proc_status_kib("VmHWM"), anon_peak), flush=True)


def run_case(args, torrent, seeders):
    src_dir = os.path.dirname(os.path.abspath(args.file))
    sessions = []
    ports = []
    for _ in range(seeders):
        ses, port = listening_session()
        add_torrent(ses, torrent, src_dir, seed=True)
        sessions.append(ses)
        ports.append(str(port))
    save = os.path.join(args.work, "lt-down-%d" % seeders)
    os.makedirs(save, exist_ok=True)
    # As bench does before each of its cases: earlier writeback is not this case's cost.
    os.sync()
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "leech", "--torrent", torrent, "--save", save,
         "--peers", ",".join(ports), "--timeout", str(args.timeout)],
        stdout=subprocess.PIPE, text=True)
    # The seeders' alerts are drained while the child downloads; a full
    # alert queue would only drop alerts, but errors are worth seeing.
    while child.poll() is None:
        for ses in sessions:
            for a in ses.pop_alerts():
                if fatal_alert(a):
                    child.kill()
                    fail("seeder: " + a.message())
        time.sleep(0.05)
    out = child.stdout.read().strip()
    shutil.rmtree(save, ignore_errors=True)
    if child.returncode != 0 or not out:
        fail("the downloader exited with status %d" % child.returncode)
    print("case=%d->1 %s" % (seeders, out), flush=True)


def run(args):
    torrent = os.path.join(args.work, "ref.torrent")
    start = time.monotonic()
    make_torrent(args.file, torrent)
    print("torrent_seconds=%.3f" % (time.monotonic() - start), flush=True)
    for n in args.cases.split(","):
        run_case(args, torrent, int(n))


def main():
    p = argparse.ArgumentParser(description="libtorrent reference for bench transfer")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("probe")
    r = sub.add_parser("run")
    r.add_argument("--file", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--cases", default="1,3")
    r.add_argument("--timeout", type=float, default=600)
    l = sub.add_parser("leech")
    l.add_argument("--torrent", required=True)
    l.add_argument("--save", required=True)
    l.add_argument("--peers", required=True)
    l.add_argument("--timeout", type=float, default=600)
    args = p.parse_args()
    if lt is None:
        fail("python3 cannot import libtorrent (" + IMPORT_ERROR + "); Debian: apt-get install python3-libtorrent")
    if args.cmd == "probe":
        print("libtorrent " + lt.__version__, flush=True)
    elif args.cmd == "run":
        run(args)
    else:
        leech(args)


if __name__ == "__main__":
    main()
