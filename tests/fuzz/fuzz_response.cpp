// libFuzzer target for src/http/client/response_parser.*: plays a client connection that
// receives a response in pieces, then the same bytes whole, and checks that both see the same
// response (status, reason, headers, body, keep-alive, bytes used) or the same error.
//
// Input: a control byte (bit 0: the request was HEAD; bit 1: small limits; bit 2: the
// connection closes after the last byte), a count of pieces and one byte per piece (its size,
// low 7 bits plus one; the high bit moves the buffer to a new allocation), then the wire bytes;
// what is left after the last piece arrives as one more piece.
#include "support/poisoned_buffer.hpp"
#include "http/client/response_parser.hpp"


#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using tern::http::detail::ResponseLimits;
using tern::http::detail::ResponseParser;
using tern::http::detail::ResponseState;

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

using Buffer = tern::testing::PoisonedBuffer;   // support/poisoned_buffer.hpp

struct Outcome {
    ResponseState state = ResponseState::need_more;
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;
    bool keep_alive = false;
    std::size_t used = 0;
};

struct Piece {
    std::size_t size;
    bool move;
};

Outcome run(std::string_view wire, std::vector<Piece> const& pieces, bool head_request, bool eof,
            ResponseLimits const& limits) {
    ResponseParser parser{limits};
    parser.start(head_request);
    Outcome out;
    Buffer buffer;
    std::vector<std::string_view> body;
    std::size_t next = 0;
    auto deliver = [&](std::size_t size, bool move) {
        buffer.append(wire.substr(next, size));
        next += size;
        if (move) buffer.move();
        body.clear();
        out.state = parser.parse(buffer.window(), body);
        for (std::string_view piece : body) {
            check(piece.data() >= buffer.window().data() &&
                      piece.data() + piece.size() <= buffer.window().data() + parser.consumed(),
                  "a body piece outside the consumed bytes");
            out.body += piece;
        }
        check(parser.consumed() <= buffer.window().size(), "consumed more than given");
        out.used += parser.consumed();
        buffer.consume(parser.consumed());
    };
    for (Piece const& piece : pieces) {
        if (out.state != ResponseState::need_more || next >= wire.size()) break;
        deliver(std::min(piece.size, wire.size() - next), piece.move);
    }
    if (out.state == ResponseState::need_more && next < wire.size()) deliver(wire.size() - next, false);
    if (out.state == ResponseState::need_more && eof) out.state = parser.finish();
    if (out.state == ResponseState::complete) {
        check(parser.head_ready(), "complete without a head");
        out.status = parser.head().status;
        out.reason = parser.head().reason;
        out.headers = parser.head().headers;
        out.keep_alive = parser.keep_alive();
        check(out.body.size() == parser.body_bytes(), "body bytes miscounted");
    }
    if (out.state == ResponseState::failed) {
        check(!parser.error().empty(), "failed without a message");
        out.error = parser.error();
        out.body.clear();   // how much arrived before the failure depends on the pieces
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size < 2) return 0;
    std::uint8_t const control = data[0];
    std::size_t const count = std::min<std::size_t>(data[1], size - 2);
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < count; ++i) pieces.push_back({std::size_t(data[2 + i] & 0x7f) + 1, (data[2 + i] & 0x80) != 0});
    std::string_view const wire{reinterpret_cast<char const*>(data) + 2 + count, size - 2 - count};
    bool const head_request = control & 1;
    bool const eof = control & 4;
    ResponseLimits limits;
    if (control & 2) {
        limits.max_head_bytes = 96;
        limits.max_header_count = 4;
        limits.max_body = 32;
        limits.max_interim = 2;
    }

    Outcome const split = run(wire, pieces, head_request, eof, limits);
    Outcome const whole = run(wire, {}, head_request, eof, limits);
    bool same = split.state == whole.state && split.status == whole.status && split.reason == whole.reason &&
                split.headers == whole.headers && split.body == whole.body && split.error == whole.error &&
                split.keep_alive == whole.keep_alive && (split.state == ResponseState::failed || split.used == whole.used);
    if (!same) {
        std::fprintf(stderr, "in pieces: state %d status %d error '%s' body %zu used %zu\n", int(split.state),
                     split.status, split.error.c_str(), split.body.size(), split.used);
        std::fprintf(stderr, "whole: state %d status %d error '%s' body %zu used %zu\n", int(whole.state),
                     whole.status, whole.error.c_str(), whole.body.size(), whole.used);
        check(false, "pieces and whole disagree");
    }
    if (whole.state == ResponseState::complete) {
        check(whole.status >= 200 && whole.status <= 999, "final status out of range");
        check(whole.body.size() <= limits.max_body, "body beyond the limit");
        check(whole.headers.size() <= limits.max_header_count, "more headers than the limit");
        if (head_request || whole.status == 204 || whole.status == 304) check(whole.body.empty(), "a body where none may be");
        for (auto const& [name, value] : whole.headers) {
            check(!name.empty(), "empty header name");
            check(name.find_first_of(" \t:\r\n") == std::string::npos, "separator in a header name");
            check(value.find_first_of("\r\n") == std::string::npos, "CR or LF in a header value");
        }
    }
    return 0;
}
