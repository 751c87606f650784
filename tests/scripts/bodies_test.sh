#!/usr/bin/env bash
# Issue 11's bodies against clients nobody here wrote: apps/fileserver as a real process on
# 127.0.0.1 (one loop), driven with curl, Python's http.client and raw sockets, and Node's fetch.
# Static files (types, ETag, 304, ranges, HEAD, listing, traversal, name.gz), multipart uploads,
# gzip, chunked streaming (and HTTP/1.0's close-delimited form), Server-Sent Events, and a
# client that leaves mid-stream. Every step prints `ok: ...` or fails the script.
# Usage: bodies_test.sh PATH_TO_FILESERVER
set -uo pipefail
hello=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/hello_process.sh"   # $tmp, cleanup at exit, fail, start_hello

show_context() {
    echo "--- the last lines of fileserver's output:"
    tail -n 30 "$hello_log" 2>/dev/null || true
}

# A missing client is installed (Debian packages), never skipped.
need() {  # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 for $1"
    "$here/../../scripts/deps.sh" "$2" || fail "could not install $2"
    command -v "$1" >/dev/null || fail "$1 is still missing after installing $2"
}
need curl curl
need python3 python3
need node nodejs
need gzip gzip
need cmp diffutils
node -e 'if (typeof fetch !== "function") process.exit(1)' ||
    fail "node $(node --version) has no built-in fetch (Node 18 or later needed)"

step() { echo "--- $*"; }
ok() { echo "ok: $*"; }

# The files: a secret beside the root, which no path under /files/ may reach.
root=$tmp/root
uploads=$tmp/uploads
mkdir -p "$root/sub" "$uploads"
echo "the secret beside the root" >"$tmp/secret.txt"
secret=$(cat "$tmp/secret.txt")
head -c 150000 /dev/urandom | base64 >"$root/doc.txt"
head -c 300000 /dev/urandom >"$root/data.bin"
for i in $(seq 2000); do echo "function f$i() { return $i; }"; done >"$root/app.js"
gzip -9 -k -n "$root/app.js"
echo "in a subdirectory" >"$root/sub/note.txt"

start_hello / --root "$root" --uploads "$uploads" --log-level warn
url=http://127.0.0.1:$port
echo "fileserver (pid $pid) on $url, root $root"

# fetch NAME EXPECTED_STATUS CURL_ARGS...: one request; headers in $tmp/h, body in $tmp/b, and
# sets $status. Fails on a curl error or another status.
fetch() {
    local name=$1 want=$2
    shift 2
    rm -f "$tmp/h" "$tmp/b"   # curl creates -o's file only when a body arrives
    status=$(curl -s --max-time 20 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$@") ||
        fail "$name: curl failed ($?): curl $*"
    [ "$status" = "$want" ] || fail "$name: status $status, expected $want (curl $*); body: $(head -c 300 "$tmp/b")"
}
header() {  # NAME: the value of that response header in $tmp/h, or empty
    awk -v name="$1" '{ sub(/\r$/, "") }
        tolower(substr($0, 1, length(name) + 1)) == tolower(name) ":" { v = substr($0, length(name) + 2); sub(/^ +/, "", v); print v; exit }' "$tmp/h"
}

step "curl: a static file under /files/"
fetch "GET /files/doc.txt" 200 "$url/files/doc.txt"
cmp -s "$tmp/b" "$root/doc.txt" || fail "GET /files/doc.txt: body differs from the file"
type=$(header Content-Type)
[ "$type" = "text/plain; charset=utf-8" ] || fail "doc.txt: Content-Type '$type'"
etag=$(header ETag)
[[ $etag =~ ^\"[^\"]+\"$ ]] || fail "doc.txt: ETag '$etag' is not a strong entity tag"
last_modified=$(header Last-Modified)
[ -n "$last_modified" ] || fail "doc.txt: no Last-Modified"
fetch "GET /files/data.bin" 200 "$url/files/data.bin"
cmp -s "$tmp/b" "$root/data.bin" || fail "GET /files/data.bin: body differs from the file"
[ "$(header Content-Type)" = "application/octet-stream" ] || fail "data.bin: Content-Type '$(header Content-Type)'"
fetch "GET /files/doc.txt again" 200 "$url/files/doc.txt"
[ "$(header ETag)" = "$etag" ] || fail "doc.txt: ETag changed between requests: '$etag', then '$(header ETag)'"
ok "doc.txt and data.bin byte-identical; Content-Type '$type' and application/octet-stream; ETag $etag, stable"

step "curl: conditional requests"
fetch "curl -z '$last_modified'" 304 -z "$last_modified" "$url/files/doc.txt"
[ ! -s "$tmp/b" ] || fail "304 with a body of $(wc -c <"$tmp/b") bytes"
fetch "If-None-Match: $etag" 304 -H "If-None-Match: $etag" "$url/files/doc.txt"
[ ! -s "$tmp/b" ] || fail "304 with a body of $(wc -c <"$tmp/b") bytes"
fetch "If-None-Match: another tag" 200 -H 'If-None-Match: "not-this-one"' "$url/files/doc.txt"
cmp -s "$tmp/b" "$root/doc.txt" || fail "If-None-Match with another tag: body differs"
fetch "curl -z on an older date" 200 -z "Mon, 01 Jan 2001 00:00:00 GMT" "$url/files/doc.txt"
ok "curl -z (If-Modified-Since) and If-None-Match give 304 with no body; another tag or an older date 200"

step "curl: ranges and HEAD"
fetch "curl -r 0-99" 206 -r 0-99 "$url/files/data.bin"
cmp -s "$tmp/b" <(head -c 100 "$root/data.bin") || fail "curl -r 0-99: not the first 100 bytes"
size=$(stat -c %s "$root/data.bin")
[ "$(header Content-Range)" = "bytes 0-99/$size" ] || fail "curl -r 0-99: Content-Range '$(header Content-Range)'"
fetch "curl -r 1000-1999" 206 -r 1000-1999 "$url/files/data.bin"
cmp -s "$tmp/b" <(tail -c +1001 "$root/data.bin" | head -c 1000) || fail "curl -r 1000-1999: wrong bytes"
fetch "curl -r -50 (the last 50)" 206 -r -50 "$url/files/data.bin"
cmp -s "$tmp/b" <(tail -c 50 "$root/data.bin") || fail "curl -r -50: not the last 50 bytes"
fetch "a range past the end" 416 -r "$((size + 10))-" "$url/files/data.bin"
fetch "curl -I" 200 -I "$url/files/data.bin"
[ "$(header Content-Length)" = "$size" ] || fail "HEAD: Content-Length '$(header Content-Length)', expected $size"
# curl -I prints the headers as its output and reads no body, so a raw socket checks there is none.
python3 - "$port" <<'PY' || fail "HEAD through a raw socket: a body, or no answer"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"HEAD /files/data.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
data = b""
while piece := s.recv(65536):
    data += piece
head, sep, rest = data.partition(b"\r\n\r\n")
assert sep and head.startswith(b"HTTP/1.1 200"), data[:200]
assert rest == b"", f"{len(rest)} bytes after the headers of a HEAD answer"
PY
ok "0-99, 1000-1999 and -50 are 206 with the right bytes and Content-Range; past the end 416; HEAD Content-Length $size, no body"

step "curl: a directory listing"
fetch "GET /files/" 200 "$url/files/"
[[ $(header Content-Type) == text/html* ]] || fail "listing: Content-Type '$(header Content-Type)'"
for name in doc.txt data.bin app.js sub/; do
    grep -q "href=\"$name\"" "$tmp/b" || fail "listing: no link to $name in: $(head -c 500 "$tmp/b")"
done
fetch "GET /files/sub (no slash)" 301 "$url/files/sub"
[[ $(header Location) == */files/sub/ ]] || fail "/files/sub: Location '$(header Location)'"
fetch "GET /files/sub/note.txt" 200 "$url/files/sub/note.txt"
ok "the listing links doc.txt, data.bin, app.js and sub/; /files/sub redirects to /files/sub/"

step "curl --path-as-is: traversal"
for path in /files/../secret.txt /files/%2e%2e/secret.txt /files/..%2fsecret.txt /files/%5c.. \
            /files/%5c..%5csecret.txt /files/sub/../../secret.txt /files/%2e%2e%2fsecret.txt \
            /files/sub/%2e%2e/%2e%2e/secret.txt /files/..%5csecret.txt; do
    fetch "GET $path" 404 --path-as-is "$url$path"
    grep -qF "$secret" "$tmp/b" && fail "GET $path: the answer holds the secret"
    echo "  $path: 404"
done
ok "every traversal shape is 404 and never shows the secret"

step "curl --compressed: a precompressed name.gz"
gz_size=$(stat -c %s "$root/app.js.gz")
rm -f "$tmp/h" "$tmp/b"
got=$(curl -s --max-time 20 --compressed -D "$tmp/h" -o "$tmp/b" -w '%{http_code} %{size_download}' "$url/files/app.js") ||
    fail "app.js --compressed: curl failed"
[ "${got% *}" = 200 ] || fail "app.js --compressed: status ${got% *}"
[ "$(header Content-Encoding)" = gzip ] || fail "app.js: Content-Encoding '$(header Content-Encoding)', expected gzip"
[ "${got#* }" = "$gz_size" ] || fail "app.js: ${got#* } bytes on the wire, app.js.gz has $gz_size"
cmp -s "$tmp/b" "$root/app.js" || fail "app.js: decompressed body differs from app.js"
fetch "app.js without Accept-Encoding" 200 "$url/files/app.js"
cmp -s "$tmp/b" "$root/app.js" || fail "app.js for a client without gzip differs"
[ -z "$(header Content-Encoding)" ] || fail "app.js without gzip: Content-Encoding '$(header Content-Encoding)'"
ok "app.js.gz's $gz_size bytes sent with Content-Encoding gzip, identical to app.js once decompressed; plain app.js otherwise"

step "curl -F: a 20 MiB multipart upload and a text field"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$tmp/upload.bin"
fetch "curl -F" 201 -F "note=hello from curl" -F "file=@$tmp/upload.bin" "$url/upload"
python3 - "$tmp/b" <<'PY' || fail "upload answer: $(head -c 500 "$tmp/b")"
import json, sys
answer = json.load(open(sys.argv[1]))
assert answer["fields"] == {"note": "hello from curl"}, answer["fields"]
[f] = answer["files"]
assert f["field"] == "file" and f["filename"] == "upload.bin" and f["size"] == 20 * 1024 * 1024, f
PY
cmp "$tmp/upload.bin" "$uploads/upload.bin" || fail "the saved upload differs from the original"
ok "201; the answer names the field and the file; $uploads/upload.bin byte-identical (cmp) to the original"

step "curl --compressed: /json/100"
fetch "GET /json/100 --compressed" 200 --compressed "$url/json/100"
[ "$(header Content-Encoding)" = gzip ] || fail "/json/100: Content-Encoding '$(header Content-Encoding)', expected gzip"
python3 -m json.tool "$tmp/b" >/dev/null || fail "/json/100: not valid JSON after decompression"
json_size=$(wc -c <"$tmp/b")
[ "$json_size" -ge $((100 * 1024)) ] || fail "/json/100: only $json_size bytes after decompression"
wire=$(curl -s --max-time 20 -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$url/json/100")
ok "Content-Encoding gzip, $wire bytes on the wire, $json_size bytes of valid JSON (python3 -m json.tool)"

step "curl -N: Server-Sent Events"
: >"$tmp/events"
curl -s -N --max-time 10 -D "$tmp/h" "$url/events?count=3&interval_ms=100" |
    while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done >"$tmp/events"
[ "${PIPESTATUS[0]}" = 0 ] || fail "curl -N /events: curl failed (did the stream end after 3 events?)"
[[ $(header Content-Type) == text/event-stream* ]] || fail "/events: Content-Type '$(header Content-Type)'"
data=$(awk '$2 == "data:" { $1 = ""; sub(/^ /, ""); print }' "$tmp/events" | tr '\n' '|')
[ "$data" = "data: tick 0|data: tick 1|data: tick 2|" ] || fail "/events: data lines '$data'; stream: $(cat "$tmp/events")"
ids=$(awk '$2 == "id:" { print $3 }' "$tmp/events" | tr '\n' ' ')
[ "$ids" = "0 1 2 " ] || fail "/events: ids '$ids'"
spread=$(awk '$2 == "data:" { t[n++] = $1 } END { printf "%.3f", t[n-1] - t[0] }' "$tmp/events")
python3 -c "import sys; sys.exit(0 if $spread >= 0.15 else 1)" ||
    fail "/events: the three events came within $spread s of each other (buffered, not streamed?)"
ok "three events tick 0, 1, 2 in order with ids 0 1 2, the last ${spread} s after the first; the stream ends"

step "python http.client: chunks arrive as they are sent"
python3 - "$port" <<'PY' || fail "http.client streaming"
import http.client, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
start = time.monotonic()
conn.request("GET", "/stream?chunks=5&size=10&delay_ms=300")
resp = conn.getresponse()
assert resp.status == 200, resp.status
assert resp.getheader("Transfer-Encoding") == "chunked", resp.getheaders()
pieces = []
while True:
    piece = resp.read1(65536)
    if not piece:
        break
    pieces.append((time.monotonic() - start, piece))
body = b"".join(p for _, p in pieces)
for t, p in pieces:
    print(f"  {t:6.3f} s: {len(p)} bytes")
assert body == b"x" * 50, body
first, last = pieces[0][0], pieces[-1][0]
assert first < 0.5, f"the first chunk came after {first:.3f} s"
assert last - first > 0.6, f"first at {first:.3f} s, last at {last:.3f} s: buffered, not streamed"
print(f"  {len(pieces)} pieces; first at {first:.3f} s, last at {last:.3f} s")
PY
ok "50 bytes in pieces read with read1; the first within 0.5 s, the last more than 0.6 s later"

step "raw socket: HTTP/1.0 to /stream"
python3 - "$port" <<'PY' || fail "HTTP/1.0 stream"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /stream?chunks=4&size=10&delay_ms=50 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
data = b""
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    piece = s.recv(65536)
    if not piece:
        break          # the server closed the connection: the end of an HTTP/1.0 body
    data += piece
else:
    raise SystemExit("the server did not close the connection within 10 s")
head, _, body = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
print("  " + "\n  ".join(lines))
assert lines[0].startswith("HTTP/1.") and " 200 " in lines[0], lines[0]
names = [l.split(":", 1)[0].strip().lower() for l in lines[1:]]
assert "transfer-encoding" not in names, "Transfer-Encoding sent to an HTTP/1.0 client"
assert body == b"x" * 40, body
print(f"  body: {len(body)} bytes, then the server closed")
PY
ok "no Transfer-Encoding, the 40 bytes raw, and the connection closed after the body"

step "python http.client: a multipart upload built by hand"
python3 - "$port" "$tmp/handmade.bin" <<'PY' || fail "hand-built multipart upload"
import http.client, json, os, sys
port, path = int(sys.argv[1]), sys.argv[2]
content = os.urandom(1 << 20) + b"\r\n--not-the-boundary\r\n" + os.urandom(1000)
open(path, "wb").write(content)
boundary = "tern-by-hand-" + os.urandom(8).hex()
body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nmade by hand\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"handmade.bin\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
conn.request("POST", "/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
resp = conn.getresponse()
answer = resp.read()
assert resp.status == 201, (resp.status, answer[:300])
answer = json.loads(answer)
assert answer["fields"] == {"title": "made by hand"}, answer
[f] = answer["files"]
assert f["field"] == "doc" and f["filename"] == "handmade.bin" and f["size"] == len(content), f
print(f"  201: {answer}")
PY
cmp "$tmp/handmade.bin" "$uploads/handmade.bin" || fail "the hand-built upload was saved differently"
ok "201 with the field and the file; the saved file byte-identical (cmp)"

# The sockets the server holds: its listener and its open connections.
sockets() { find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | wc -l; }

step "python: a client that leaves /events mid-stream"
sockets_before=$(sockets)
python3 - "$port" <<'PY' || fail "leaving mid-stream"
import http.client, sys, time
port = int(sys.argv[1])
for attempt in range(3):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/events?count=0&interval_ms=50")
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    events = []
    while len(events) < 2:
        line = resp.fp.readline()
        assert line, "the stream ended before two events"
        if line.startswith(b"data:"):
            events.append(line.strip().decode())
    resp.close()      # drops the response's file object, so that this closes the socket
    conn.close()
    print(f"  attempt {attempt + 1}: read {events}, then closed the socket")
time.sleep(0.3)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/files/sub/note.txt")
resp = conn.getresponse()
assert resp.status == 200 and resp.read() == b"in a subdirectory\n", resp.status
print("  the next request: 200")
PY
kill -0 "$pid" 2>/dev/null || fail "the fileserver died after the clients left"
# count=0 never ends by itself: the server must notice each client has gone and drop its stream.
for _ in $(seq 50); do [ "$(sockets)" -le "$sockets_before" ] && break; sleep 0.1; done
[ "$(sockets)" -le "$sockets_before" ] ||
    fail "the server holds $(sockets) sockets 5 s after the clients left, $sockets_before before they came"
ok "three clients left after two events each; the server answered the next request and went back to $sockets_before socket(s)"

step "node fetch: gzip and Range"
node - "$url" "$root/data.bin" <<'JS' || fail "node fetch"
const [url, file] = process.argv.slice(2).filter(a => a !== '-');
const fs = require('fs');
(async () => {
  const r = await fetch(url + '/json/100', { headers: { 'Accept-Encoding': 'gzip' } });
  if (r.status !== 200) throw new Error('/json/100: status ' + r.status);
  if (r.headers.get('content-encoding') !== 'gzip') throw new Error('/json/100: content-encoding ' + r.headers.get('content-encoding'));
  const doc = JSON.parse(await r.text());
  if (!Array.isArray(doc) || doc.length === 0) throw new Error('/json/100: not the array expected');
  console.log(`  /json/100: gzip, ${doc.length} items after decompression`);
  const whole = fs.readFileSync(file);
  const q = await fetch(url + '/files/data.bin', { headers: { Range: 'bytes=100-4195' } });
  if (q.status !== 206) throw new Error('Range: status ' + q.status);
  const range = q.headers.get('content-range');
  if (range !== `bytes 100-4195/${whole.length}`) throw new Error('Range: content-range ' + range);
  const part = Buffer.from(await q.arrayBuffer());
  if (!part.equals(whole.subarray(100, 4196))) throw new Error('Range: wrong bytes');
  console.log(`  /files/data.bin bytes=100-4195: 206, ${range}, ${part.length} bytes as on disk`);
})().catch(e => { console.error('  ' + e.message); process.exit(1); });
JS
ok "fetch decompresses /json/100 (Content-Encoding gzip) into valid JSON; Range gives 206 and the right bytes"

step "the server's log and its exit"
if grep -E "AddressSanitizer|LeakSanitizer|runtime error:|\[(error|critical)\]" "$hello_log"; then
    fail "the fileserver's log shows errors"
fi
kill -TERM "$pid"
wait_gone "$pid" 10 || fail "the fileserver still runs 10 s after SIGTERM"
wait "$pid"
code=$?
pid=
[ "$code" = 0 ] || fail "the fileserver exited with $code after SIGTERM"
ok "no sanitizer report or error in the log; SIGTERM drains and exits 0"
echo "bodies_real_clients: all checks passed"
