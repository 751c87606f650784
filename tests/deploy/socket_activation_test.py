#!/usr/bin/env python3
"""apps/hello under systemd's socket activation, with tests/deploy/activate.py as the launcher.

1. Started with one inherited socket and two loops, hello serves on that socket (both loops
   listen on it, through a dup each) and binds nothing of its own.
2. LISTEN_PID naming another process is ignored: hello binds --port as usual.
3. A restart under load: wrk drives the launcher's socket while hello gets SIGTERM, exits, and
   a new hello starts on the same socket. The launcher holds the socket throughout, so the kernel
   queues the connections made between the two and none may be refused, reset or answered with
   an error: wrk must report no socket errors and no non-2xx responses.
Usage: socket_activation_test.py HELLO
Every process is started here and stopped by its pid; every wait is bounded.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from activate import listen_socket, spawn_activated  # noqa: E402

started = []   # pids to kill at exit


def fail(message, log=None):
    print("FAIL:", message)
    if log:
        print("--- the last lines of", log)
        with open(log, errors="replace") as f:
            print("".join(f.readlines()[-20:]))
    sys.exit(1)


def get(port, path="/", timeout=5):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as res:
        return res.status, res.read().decode()


def wait_serving(port, pid, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return False
        try:
            if get(port, "/hello/probe", timeout=max(0.5, deadline - time.monotonic()))[0] == 200:
                return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_exit(pid, seconds):
    """The exit code of pid, or None if it is still running after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            started.remove(pid)
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(sock, argv, log, **kw):
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        pid = spawn_activated(sock, argv, stdout=out, **kw)
    finally:
        os.close(out)
    started.append(pid)
    return pid


def wrk_figures(text):
    def number(pattern):
        m = re.search(pattern, text)
        return int(m.group(1)) if m else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "requests": number(r"(\d+) requests in"),
        "socket_errors": [int(x) for x in errors.groups()] if errors else [0, 0, 0, 0],
        "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)"),
    }


def main(hello):
    tmp = tempfile.mkdtemp()
    sock = listen_socket()
    port = sock.getsockname()[1]
    log = os.path.join(tmp, "hello.log")
    # hello's default port would be 8080: a free one shows that it is not what gets served.
    unused_port = free_port()
    args = [hello, "--threads", "2", "--port", str(unused_port), "--stall-ms", "0"]

    # 1. Served on the inherited socket, by two loops.
    pid = start(sock, args, log)
    if not wait_serving(port, pid):
        fail(f"hello did not answer on the inherited socket (port {port})", log)
    statuses = [get(port, f"/hello/n{i}") for i in range(20)]
    if any(s != (200, f"Hello, n{i}!") for i, s in enumerate(statuses)):
        fail(f"unexpected answers on the inherited socket: {statuses[:3]}...", log)
    try:
        get(unused_port, timeout=1)
        fail(f"hello also listens on --port {unused_port}", log)
    except OSError:
        pass
    with open(log) as f:
        if "inherited socket" not in f.read():
            fail("hello's log does not say it serves an inherited socket", log)
    os.kill(pid, signal.SIGTERM)
    if wait_exit(pid, 15) != 0:
        fail("hello did not exit 0 within 15 s of SIGTERM", log)
    print(f"ok: served on the inherited socket (port {port}) by two loops; --port {unused_port} unused")

    # 2. LISTEN_PID for someone else: ignored.
    pid = start(sock, [hello, "--threads", "1", "--port", str(unused_port)], log, listen_pid=1)
    if not wait_serving(unused_port, pid):
        fail(f"with LISTEN_PID=1, hello did not bind --port {unused_port}", log)
    os.kill(pid, signal.SIGTERM)
    if wait_exit(pid, 15) != 0:
        fail("hello did not exit 0 within 15 s of SIGTERM", log)
    print("ok: LISTEN_PID naming another process is ignored")

    # 3. A restart under load on the same socket.
    pid = start(sock, args, log)
    if not wait_serving(port, pid):
        fail("the first hello did not start", log)
    wrk_log = os.path.join(tmp, "wrk.log")
    with open(wrk_log, "w") as out:
        wrk = subprocess.Popen(["wrk", "-t1", "-c16", "-d4s", "--timeout", "5s", f"http://127.0.0.1:{port}/"],
                               stdout=out, stderr=subprocess.STDOUT)
    started.append(wrk.pid)
    time.sleep(1.2)
    os.kill(pid, signal.SIGTERM)
    term_at = time.monotonic()
    code = wait_exit(pid, 15)
    if code != 0:
        fail(f"the first hello exited with {code} (None: still running) after SIGTERM", log)
    exited_at = time.monotonic()
    log2 = os.path.join(tmp, "hello2.log")
    pid = start(sock, args, log2)
    if not wait_serving(port, pid):
        fail("the second hello did not start on the same socket", log2)
    served_at = time.monotonic()
    try:
        wrk.wait(timeout=20)
    except subprocess.TimeoutExpired:
        fail("wrk still running 20 s after a 4 s run")
    started.remove(wrk.pid)
    with open(wrk_log) as f:
        text = f.read()
    figures = wrk_figures(text)
    print(text)
    print(f"first hello drained and exited {exited_at - term_at:.2f} s after SIGTERM; the second answered "
          f"{served_at - exited_at:.2f} s after that (connections meanwhile waited in the socket's queue)")
    print(f"wrk: {figures['requests']} requests, socket errors (connect, read, write, timeout) "
          f"{figures['socket_errors']}, non-2xx {figures['non_2xx']}")
    if wrk.returncode != 0:
        fail(f"wrk failed with {wrk.returncode}")
    if figures["requests"] == 0:
        fail("wrk completed no requests")
    if any(figures["socket_errors"]) or figures["non_2xx"]:
        fail("a connection was refused, reset or answered with an error across the restart", log)
    os.kill(pid, signal.SIGTERM)
    if wait_exit(pid, 15) != 0:
        fail("the second hello did not exit 0 within 15 s of SIGTERM", log2)
    print("ok: a restart on the held socket loses no connection")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    if not any(os.access(os.path.join(d, "wrk"), os.X_OK) for d in os.environ.get("PATH", "").split(":")):
        print("SKIP: wrk is not installed")
        sys.exit(77)
    try:
        main(sys.argv[1])
    finally:
        for p in list(started):
            try:
                os.kill(p, signal.SIGKILL)
                os.waitpid(p, 0)
            except OSError:
                pass
