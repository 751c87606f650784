#!/usr/bin/env python3
"""HAProxy's runtime API over its stats socket, for tests/deploy/rolling_restart.sh.
  haproxy_admin.py SOCKET status BACKEND/SERVER        prints UP, DOWN, MAINT, ... (the stat CSV's status)
  haproxy_admin.py SOCKET wait BACKEND/SERVER STATE S  waits at most S seconds for STATE; exit 1 if not
  haproxy_admin.py SOCKET fields BACKEND/SERVER NAME... prints those columns of the stat CSV
  haproxy_admin.py SOCKET command TEXT...              sends one command, prints the answer
"""
import socket
import sys
import time


def command(path, text):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(path)
        s.sendall(text.encode() + b"\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def stat_fields(path, target, names):
    """The named columns of `show stat` for BACKEND/SERVER, or None when it is not there."""
    backend, server = target.split("/")
    lines = command(path, "show stat").splitlines()
    header = lines[0].lstrip("# ").split(",")
    columns = [header.index(name) for name in names]
    for line in lines[1:]:
        fields = line.split(",")
        if len(fields) > max(columns) and fields[0] == backend and fields[1] == server:
            return [fields[c] for c in columns]
    return None


def status(path, target):
    fields = stat_fields(path, target, ["status"])
    return fields[0].split(" ")[0] if fields else "ABSENT"   # "UP 1/2" while going down counts as UP


def main(argv):
    path, what = argv[1], argv[2]
    if what == "status":
        print(status(path, argv[3]))
        return 0
    if what == "wait":
        deadline = time.monotonic() + float(argv[5])
        while time.monotonic() < deadline:
            if status(path, argv[3]) == argv[4]:
                return 0
            time.sleep(0.05)
        print(f"{argv[3]} is {status(path, argv[3])}, not {argv[4]}, after {argv[5]} s", file=sys.stderr)
        return 1
    if what == "fields":
        fields = stat_fields(path, argv[3], argv[4:])
        if fields is None:
            print(f"no server {argv[3]}", file=sys.stderr)
            return 1
        print(" ".join(f or "0" for f in fields))
        return 0
    if what == "command":
        print(command(path, " ".join(argv[3:])), end="")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
