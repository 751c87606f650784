#!/usr/bin/env python3
"""systemd's socket activation without systemd: the launcher holds a listening socket and starts
programs on it the way systemd does (sd_listen_fds(3)): the socket as descriptor 3,
LISTEN_FDS=1 and LISTEN_PID set to the started process's own pid, which only a fork before
the exec can know.

As a program:  activate.py HOST PORT -- PROGRAM [ARGS...]
binds HOST:PORT (port 0: a free one, printed on stdout), starts PROGRAM on it, and starts it
again whenever it exits with status 0 (a rolling restart, by SIGTERM, keeps the socket and its
queue), until the launcher gets SIGTERM or SIGINT, which it passes on; a program that fails ends
the launcher with its status. Imported, it gives listen_socket() and spawn_activated().
"""
import os
import signal
import socket
import sys


def listen_socket(host="127.0.0.1", port=0, backlog=1024):
    """A bound, listening TCP socket, as a .socket unit's ListenStream= makes it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def spawn_activated(sock, argv, env=None, stdout=None, listen_pid=None):
    """Starts argv with `sock` as descriptor 3 and LISTEN_FDS=1, LISTEN_PID=its pid (or
    `listen_pid`, to test a process that must ignore them). Returns the child's pid."""
    env = dict(os.environ if env is None else env)
    pid = os.fork()
    if pid == 0:
        try:
            if stdout is not None:
                os.dup2(stdout, 1)
                os.dup2(stdout, 2)
            fd = sock.fileno()
            if fd != 3:
                os.dup2(fd, 3)
            os.set_inheritable(3, True)
            env["LISTEN_FDS"] = "1"
            env["LISTEN_PID"] = str(os.getpid() if listen_pid is None else listen_pid)
            env["LISTEN_FDNAMES"] = "http"
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    sock = listen_socket(argv[1], int(argv[2]))
    print(sock.getsockname()[1], flush=True)
    stopping = False
    child = 0

    def forward(signum, _frame):
        nonlocal stopping
        stopping = True
        if child:
            os.kill(child, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        child = spawn_activated(sock, argv[4:])
        _, status = os.waitpid(child, 0)
        code = os.waitstatus_to_exitcode(status)
        if stopping or code != 0:
            return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
