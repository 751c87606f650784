#!/usr/bin/env python3
"""The client side of bench/route_instructions.sh: drives COUNT requests at a server on
127.0.0.1 over one connection and checks every answer, exiting non-zero (with a message) at the
first wrong one, so a broken route cannot pass off an error page's cost as its own.

Usage:
  route_instructions.py http PORT PATH COUNT [--status 200] [--header 'Name: value'] [--depth 1]
      COUNT GETs of PATH on one keep-alive connection, DEPTH per send (pipelined: DEPTH requests
      go out in one send, then all DEPTH responses are read); COUNT must be a multiple of DEPTH.
  route_instructions.py etag PORT PATH
      prints the ETag of one plain GET of PATH (for an If-None-Match header).
  route_instructions.py websocket PORT PATH COUNT
      a WebSocket handshake on PATH, then COUNT masked text frames "hello", each echo read back.
Standard library only: it runs wherever python3 does.
"""
import argparse
import base64
import hashlib
import os
import socket
import sys

WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"   # RFC 6455 1.3


def fail(message):
    print(f"route_instructions.py: {message}", file=sys.stderr)
    sys.exit(1)


class Connection:
    """One TCP connection with a receive buffer, so bytes past one response wait for the next."""

    def __init__(self, port):
        try:
            self.sock = socket.create_connection(("127.0.0.1", port))
        except OSError as e:
            fail(f"cannot connect to port {port}: {e}")
        self.buf = b""

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            fail("the server closed the connection")
        self.buf += chunk

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self):
        """The status code and headers (lower-cased names) of the next response."""
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self.fill()
        lines = self.buf[:end].decode("latin-1").split("\r\n")
        self.buf = self.buf[end + 4:]
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            fail(f"not an HTTP status line: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(parts[1]), headers

    def read_response(self, want_status, path):
        """Reads one whole response; fails unless its status is `want_status`."""
        status, headers = self.read_head()
        if status != want_status:
            fail(f"GET {path} answered {status}, not {want_status}")
        # A 304 has no body whatever its Content-Length says (RFC 9110 15.4.5).
        if status not in (204, 304):
            if "content-length" not in headers:
                fail(f"GET {path}: a {status} without Content-Length")
            self.take(int(headers["content-length"]))
        return headers


def get_request(path, header):
    extra = f"{header}\r\n" if header else ""
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n{extra}\r\n".encode()


def drive_http(args):
    if args.count % args.depth:
        fail(f"COUNT {args.count} is not a multiple of the depth {args.depth}")
    conn = Connection(args.port)
    burst = get_request(args.path, args.header) * args.depth
    for _ in range(args.count // args.depth):
        conn.sock.sendall(burst)
        for _ in range(args.depth):
            conn.read_response(args.status, args.path)
    conn.sock.close()


def print_etag(args):
    conn = Connection(args.port)
    conn.sock.sendall(get_request(args.path, None))
    etag = conn.read_response(200, args.path).get("etag")
    if not etag:
        fail(f"GET {args.path} has no ETag")
    print(etag)
    conn.sock.close()


def handshake(conn, path):
    key = base64.b64encode(os.urandom(16))
    conn.sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    status, headers = conn.read_head()
    if status != 101:
        fail(f"the WebSocket handshake on {path} answered {status}, not 101")
    accept = base64.b64encode(hashlib.sha1(key + WEBSOCKET_GUID).digest()).decode()
    if headers.get("sec-websocket-accept") != accept:
        fail(f"Sec-WebSocket-Accept is {headers.get('sec-websocket-accept')!r}, not {accept!r}")


def masked_text_frame(payload):
    """A client's text frame (RFC 6455 5.2): FIN, opcode 1, masked, payload under 126 bytes."""
    mask = os.urandom(4)
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def drive_websocket(args):
    conn = Connection(args.port)
    handshake(conn, args.path)
    payload = b"hello"
    echo = bytes([0x81, len(payload)]) + payload   # the server's frames are not masked
    for _ in range(args.count):
        conn.sock.sendall(masked_text_frame(payload))
        got = conn.take(len(echo))
        if got != echo:
            fail(f"the echo frame is {got!r}, not {echo!r}")
    conn.sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    http = modes.add_parser("http")
    http.add_argument("port", type=int)
    http.add_argument("path")
    http.add_argument("count", type=int)
    http.add_argument("--status", type=int, default=200)
    http.add_argument("--header")
    http.add_argument("--depth", type=int, default=1)
    http.set_defaults(run=drive_http)
    etag = modes.add_parser("etag")
    etag.add_argument("port", type=int)
    etag.add_argument("path")
    etag.set_defaults(run=print_etag)
    websocket = modes.add_parser("websocket")
    websocket.add_argument("port", type=int)
    websocket.add_argument("path")
    websocket.add_argument("count", type=int)
    websocket.set_defaults(run=drive_websocket)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
