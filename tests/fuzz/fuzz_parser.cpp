// libFuzzer target for src/http/parser.*: plays a connection that receives the input in pieces, as
// the server's read loop does, and checks what the parser says about every request it completes.
//
// Input: a control byte, four limit bytes when the control byte asks for small limits, a count
// of pieces and one byte per piece, then the wire bytes. A piece byte gives the piece's size
// (low 7 bits, plus one) and whether the buffer moves to a new allocation after it arrives (high
// bit); the wire bytes left after the last piece arrive as one more piece. The same wire bytes
// are then fed whole to a second parser, which must see the same requests and the same outcome,
// and whole to a third that reads every head with llhttp (HeadScan::llhttp_only): the parser's
// own scan of simple heads must agree with it exactly, refusals included.
#include "support/poisoned_buffer.hpp"
#include "http/parser.hpp"


#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using tern::detail::HeadScan;
using tern::detail::ParserLimits;
using tern::detail::ParseState;
using tern::detail::RequestData;
using tern::detail::RequestParser;

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

using Buffer = tern::testing::PoisonedBuffer;   // support/poisoned_buffer.hpp

// A completed request, copied out of its views, to compare the two runs.
struct Seen {
    std::string method, target, raw_path, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
    int http_major = 0;
    int http_minor = 0;
    bool keep_alive = false;
    bool expect_continue = false;
    std::size_t wire_size = 0;
    std::optional<std::size_t> content_length;
    bool operator==(Seen const&) const = default;
};

struct Outcome {
    std::vector<Seen> requests;
    int status = 0;              // the failure's status; 0 when the bytes ran out first
    std::string message;         // the failure's message
    std::size_t left_over = 0;   // bytes received and not part of a completed request
};

struct Piece {
    std::size_t size;
    bool move_after;
};

bool within(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    auto const p = reinterpret_cast<std::uintptr_t>(part.data());
    auto const w = reinterpret_cast<std::uintptr_t>(whole.data());
    return p >= w && p + part.size() <= w + whole.size();
}

// Views must lie within the request's own bytes, or within the storage RequestData owns.
bool in_request(std::string_view part, std::string_view message, RequestData const& data) {
    return within(part, message) || within(part, data.decoded_path_storage) || within(part, data.body_storage);
}

bool is_tchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

Seen check_request(RequestParser const& parser, RequestData const& data, std::string_view window,
                   ParserLimits const& limits, std::optional<std::size_t> content_length) {
    std::size_t const size = parser.message_size();
    check(size > 0 && size <= window.size(), "message_size() is within the window");
    check(data.wire_size == size, "wire_size is message_size()");
    std::string_view const message = window.substr(0, size);
    check(!data.method.empty(), "a method");
    check(in_request(data.target, message, data), "target in the window");
    // Without a path (absolute-form "http://host"), raw_path views a static "/".
    check(data.raw_path == "/" || in_request(data.raw_path, message, data), "raw_path in the window");
    check(data.path == data.raw_path ? data.path.data() == data.raw_path.data()
                                     : within(data.path, data.decoded_path_storage),
          "path is raw_path, or decoded into its storage");
    check(in_request(data.query_string, message, data), "query in the window");
    check(in_request(data.body, message, data), "body in the window or body storage");
    check(!data.target.empty() && data.target.size() <= limits.max_request_line, "target within max_request_line");
    check(data.body.size() <= limits.max_body, "body within max_body");
    check(data.headers.size() <= limits.max_header_count, "headers within max_header_count");
    check(data.path.find('\0') == std::string_view::npos, "no NUL in the decoded path");
    check(data.http_major == 1 && data.http_minor <= 1, "HTTP/1.0 or HTTP/1.1");
    if (content_length) check(data.body.size() == *content_length, "body size is Content-Length");
    Seen seen{std::string(data.method), std::string(data.target), std::string(data.raw_path),
              std::string(data.path), std::string(data.query_string), std::string(data.body),
              {}, data.http_major, data.http_minor, data.keep_alive, data.expect_continue, data.wire_size,
              content_length};
    for (auto const& header : data.headers) {
        check(in_request(header.name, message, data) && in_request(header.value, message, data),
              "header in the window");
        check(!header.name.empty() && std::all_of(header.name.begin(), header.name.end(), is_tchar),
              "header names are tokens");
        check(header.value.empty() || (header.value.back() != ' ' && header.value.back() != '\t'),
              "header values are trimmed");
        seen.headers.emplace_back(header.name, header.value);
    }
    return seen;
}

// Plays the connection until the pieces run out, a request fails, or one is not keep-alive.
Outcome serve(std::string_view wire, std::vector<Piece> const& pieces, ParserLimits const& limits,
              HeadScan scan = HeadScan::simple_first) {
    RequestParser parser{limits, scan};
    RequestData data;
    Buffer buffer;
    Outcome outcome;
    std::size_t next_piece = 0;
    std::optional<std::size_t> content_length;
    bool seen_head = false;
    for (;;) {
        ParseState const state = parser.parse(buffer.window());
        if (state == ParseState::need_more) {
            if (next_piece == pieces.size()) {
                outcome.left_over = buffer.window().size();
                return outcome;
            }
            Piece const piece = pieces[next_piece++];
            buffer.append(wire.substr(0, piece.size));
            wire.remove_prefix(piece.size);
            if (piece.move_after) buffer.move();
        } else if (state == ParseState::headers_complete) {
            check(!seen_head, "headers_complete once per request");
            seen_head = true;
            content_length = parser.content_length();
            check(!content_length || *content_length <= limits.max_body, "Content-Length within max_body");
        } else if (state == ParseState::complete) {
            check(seen_head, "headers_complete before complete");
            parser.build(data, buffer.window());
            outcome.requests.push_back(check_request(parser, data, buffer.window(), limits, content_length));
            buffer.consume(parser.message_size());
            parser.next();
            seen_head = false;
            content_length.reset();
            if (!data.keep_alive) {
                outcome.left_over = buffer.window().size() + wire.size();
                return outcome;
            }
        } else {
            int const status = parser.error().status;
            check(status == 400 || status == 413 || status == 414 || status == 431 || status == 501 ||
                      status == 505,
                  "a documented error status");
            check(!parser.error().message.empty(), "an error message");
            outcome.status = status;
            outcome.message = parser.error().message;
            outcome.left_over = buffer.window().size() + wire.size();
            return outcome;
        }
    }
}

// Whether a request arriving in pieces fared as it does arriving whole. Two differences are known:
// - the status of a refusal may differ, since when bytes past a limit arrive together with the
//   bytes that reach it, llhttp may find another fault in them before the limit is checked;
// - the limit on chunk framing is checked only between reads, so a chunked request whose
//   extensions or trailers pass the limit is refused (431) in pieces and accepted (or still
//   incomplete) whole.
bool agree(Outcome const& split, Outcome const& whole) {
    if (split.status != 0 && split.message.starts_with("chunk extensions and trailers exceed") &&
        split.requests.size() <= whole.requests.size()) {
        return std::equal(split.requests.begin(), split.requests.end(), whole.requests.begin());
    }
    return split.requests == whole.requests && (split.status == 0) == (whole.status == 0) &&
           split.left_over == whole.left_over;
}

void describe(char const* how, Outcome const& outcome) {
    std::fprintf(stderr, "%s: %zu requests, then status %d (%s) with %zu bytes left\n", how,
                 outcome.requests.size(), outcome.status, outcome.message.c_str(), outcome.left_over);
    for (Seen const& r : outcome.requests) {
        std::fprintf(stderr, "  %s %s: %zu headers, %zu body bytes, %zu wire bytes, keep-alive %d\n", r.method.c_str(),
                     r.target.c_str(), r.headers.size(), r.body.size(), r.wire_size, r.keep_alive);
    }
}

// Reads a byte of the control header, or 0 past its end.
std::uint8_t take(std::string_view& in) {
    if (in.empty()) return 0;
    auto const b = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view in{reinterpret_cast<char const*>(data), size};
    std::uint8_t const control = take(in);
    ParserLimits limits;
    if (control & 1) {   // small limits, to reach 413, 414 and 431 with short inputs
        limits.max_request_line = 1 + take(in);
        limits.max_header_bytes = 1 + take(in) * 2u;
        limits.max_header_count = take(in) % 16;
        limits.max_body = take(in);
    }
    std::size_t const count = take(in) % 64;
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < count; ++i) {
        std::uint8_t const b = take(in);
        pieces.push_back({static_cast<std::size_t>(b & 0x7f) + 1, (b & 0x80) != 0});
    }
    std::string_view const wire = in;
    std::size_t covered = 0;
    for (Piece& piece : pieces) {
        piece.size = std::min(piece.size, wire.size() - covered);
        covered += piece.size;
    }
    pieces.push_back({wire.size() - covered, (control & 2) != 0});

    Outcome const split = serve(wire, pieces, limits);
    Outcome const whole = serve(wire, {{wire.size(), false}}, limits);
    if (!agree(split, whole)) {
        describe("in pieces", split);
        describe("whole", whole);
        check(false, "the same requests and outcome whether the bytes arrive in pieces or whole");
    }
    Outcome const by_llhttp = serve(wire, {{wire.size(), false}}, limits, HeadScan::llhttp_only);
    if (whole.requests != by_llhttp.requests || whole.status != by_llhttp.status ||
        whole.message != by_llhttp.message || whole.left_over != by_llhttp.left_over) {
        describe("simple heads first", whole);
        describe("llhttp only", by_llhttp);
        check(false, "the same requests and outcome whether simple heads are scanned or given to llhttp");
    }
    return 0;
}
