#!/usr/bin/env python3
"""A node at a terminal (a pseudo-terminal here): line editing, tab
completion, history, a notice arriving while a line is half typed, and the
terminal given back as it was. Scripts are covered by the scenarios; this is
what only a terminal sees.

usage: line_editing.py BIN_DIR      (exit 0: pass, 1: fail)
"""
import os
import pty
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/bin"
WAIT = 10.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Terminal:
    """The node on a pty: type keys, wait for output (escape codes and all)."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.seen = b""

    def expect(self, wanted, what):
        """Waits until `wanted` (bytes) has appeared since the last match."""
        deadline = time.time() + WAIT
        while wanted not in self.seen:
            left = deadline - time.time()
            if left <= 0:
                fail(f"{what}: never saw {wanted!r}; the terminal showed {self.seen[-600:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    fail(f"{what}: the node exited; it showed {self.seen[-600:]!r}")
                self.seen += chunk
        self.seen = self.seen[self.seen.index(wanted) + len(wanted):]

    def type(self, keys):
        os.write(self.fd, keys)


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    raise SystemExit(1)


def main():
    work = tempfile.mkdtemp(prefix="p2p-pty.")
    children = []
    terminals = []
    try:
        info = os.path.join(work, "tracker_info.txt")
        key = subprocess.run([f"{BIN}/tracker", "--keygen", "--data", f"{work}/t1"], check=True,
                             capture_output=True, text=True).stdout.strip()
        with open(info, "w") as f:
            f.write(f"127.0.0.1:{free_port()} pub={free_port()} {key}\n")
        tracker = subprocess.Popen([f"{BIN}/tracker", info, "1", "--data", f"{work}/t1"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        children.append(tracker)
        if b"ready" not in tracker.stdout.readline():
            fail("the tracker did not start")

        env = dict(os.environ, TERM="xterm", HOME=work)
        node = Terminal([f"{BIN}/node", f"127.0.0.1:{free_port()}", info, "--data", f"{work}/alice"], env)
        terminals.append(node)
        node.expect(b"node: ready", "start")
        node.expect(b"> ", "the prompt")

        # Tab completes a command name, in place ("\r\033[J" redraws the line).
        node.type(b"hel\t")
        node.expect(b"\r\033[J> help ", "completing 'hel'")
        node.type(b"\r")
        node.expect(b"help COMMAND tells more", "help's list")
        node.expect(b"> ", "the prompt after help")

        node.type(b"create_user alice pw-secret\r")
        node.expect(b"ok: user alice created", "create_user")
        node.type(b"login alice pw-secret\r")
        node.expect(b"ok: logged in as alice", "login")
        node.type(b"create_group g\r")
        node.expect(b"ok: group g created", "create_group")
        node.expect(b"> ", "the prompt")

        # Tab completes a group name the node has seen.
        node.type(b"list_files \t")
        node.expect(b"\r\033[J> list_files g ", "completing a group")
        node.type(b"\x15")  # Ctrl-U: kill the line

        # A notice while a line is half typed: the line is cleared, the notice
        # printed, and the prompt and the half line drawn again below it.
        node.type(b"list_gro")
        node.expect(b"list_gro", "echo of typing")
        bob = subprocess.Popen([f"{BIN}/node", f"127.0.0.1:{free_port()}", info, "--data", f"{work}/bob"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children.append(bob)
        bob.stdin.write(b"create_user bob pw\nlogin bob pw\njoin_group g\n")
        bob.stdin.flush()
        node.expect(b"\r\033[Jnotice: bob asks to join g (accept_request g bob)\r\n> list_gro", "a notice mid-line")
        node.type(b"ups\r")
        node.expect(b"g owner=alice members=1 you=owner", "the finished line runs")
        node.expect(b"> ", "the prompt")

        # History: up arrow brings the last line back.
        node.type(b"\033[A")
        node.expect(b"> list_groups", "up arrow")
        node.type(b"\x15\x04")  # Ctrl-U, Ctrl-D: end of input
        _, status = os.waitpid(node.pid, 0)
        terminals.remove(node)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            fail(f"the node ended with status {status}")
        lflag = termios.tcgetattr(node.fd)[3]
        if not (lflag & termios.ECHO and lflag & termios.ICANON):
            fail("the terminal was left without echo or line mode")

        history = open(f"{work}/alice/history", encoding="latin-1").read()
        if "list_groups" not in history or "login\\040alice\\040" not in history:
            fail(f"history lacks lines: {history!r}")
        if "pw-secret" in history:
            fail("a password reached the history file")
        if os.stat(f"{work}/alice/history").st_mode & 0o077:
            fail("the history file is readable by others")
        print("PASS line_editing")
    finally:
        for term in terminals:
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)
        for child in reversed(children):  # nodes log out while the tracker still answers
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
