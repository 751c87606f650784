#pragma once
// The parser tests' harness: feeds wire bytes to a RequestParser whole or one byte at a time,
// moving the window between calls as a connection's buffer may, and records what came out.
#include "http/parser.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parser_feed {

using namespace std::literals;
using tern::detail::ParseError;
using tern::detail::ParserLimits;
using tern::detail::ParseState;
using tern::detail::RequestData;
using tern::detail::RequestParser;

// Fed whole, a simple GET or HEAD is read by the parser's own scan; fed one byte at a time, or
// whole with HeadScan::llhttp_only, by llhttp. Every test runs all three, so each checks that the
// scan and llhttp agree on what it covers.
enum class Feed { whole, byte_by_byte, whole_by_llhttp };
constexpr Feed feeds[] = {Feed::whole, Feed::byte_by_byte, Feed::whole_by_llhttp};

inline std::string name(Feed feed) {
    switch (feed) {
    case Feed::whole: return "fed whole";
    case Feed::byte_by_byte: return "fed one byte at a time";
    case Feed::whole_by_llhttp: return "fed whole, every head to llhttp";
    }
    return "?";
}

// One request as the server saw it, copied out of the views.
struct Seen {
    std::string method, target, raw_path, path, query, host, body;
    std::vector<std::pair<std::string, std::string>> headers;
    int http_major = 0;
    int http_minor = 0;
    bool keep_alive = false;
    bool expect_continue = false;
    std::size_t wire_size = 0;
    // What parse() and the accessors said at headers_complete.
    int headers_complete_count = 0;
    std::size_t received_at_head = 0;
    bool expects_continue_at_head = false;
    std::optional<std::size_t> content_length_at_head;
    bool operator==(Seen const&) const = default;
};

struct Run {
    std::vector<Seen> requests;
    std::optional<ParseError> error;
    std::size_t received_at_error = 0;   // bytes in the buffer when parse() failed
    std::size_t left_over = 0;           // bytes received but not part of a request
};

inline Seen copy(RequestData const& data, Seen seen) {
    seen.method = data.method;
    seen.target = data.target;
    seen.raw_path = data.raw_path;
    seen.path = data.path;
    seen.query = data.query_string;
    seen.host = data.host;
    seen.body = data.body;
    for (auto const& h : data.headers) seen.headers.emplace_back(h.name, h.value);
    seen.http_major = data.http_major;
    seen.http_minor = data.http_minor;
    seen.keep_alive = data.keep_alive;
    seen.expect_continue = data.expect_continue;
    seen.wire_size = data.wire_size;
    return seen;
}

// Plays the connection: `wire` arrives whole or one byte at a time, the buffer is reallocated
// before every parse() (so ASan catches a pointer kept across calls), served requests are
// erased from its front, and it stops after a request that is not keep-alive, as a server does.
inline Run run(std::string_view wire, Feed feed, ParserLimits limits = {}) {
    using tern::detail::HeadScan;
    RequestParser parser{limits, feed == Feed::whole_by_llhttp ? HeadScan::llhttp_only : HeadScan::simple_first};
    RequestData data;
    Run result;
    std::string buffer;
    std::size_t sent = 0;
    Seen seen;
    for (int step = 0;; ++step) {
        REQUIRE(step < 1'000'000);
        buffer = std::string(buffer.begin(), buffer.end());
        switch (parser.parse(buffer)) {
        case ParseState::need_more: {
            if (sent == wire.size()) {
                result.left_over = buffer.size();
                return result;
            }
            std::size_t const n = feed == Feed::byte_by_byte ? 1 : wire.size() - sent;
            buffer.append(wire.substr(sent, n));
            sent += n;
            break;
        }
        case ParseState::headers_complete:
            ++seen.headers_complete_count;
            seen.received_at_head = buffer.size();
            seen.expects_continue_at_head = parser.expects_continue();
            seen.content_length_at_head = parser.content_length();
            break;
        case ParseState::complete:
            parser.build(data, buffer);
            result.requests.push_back(copy(data, std::move(seen)));
            seen = {};
            buffer.erase(0, parser.message_size());
            if (!data.keep_alive) {
                result.left_over = buffer.size() + wire.size() - sent;
                return result;
            }
            parser.next();
            break;
        case ParseState::failed:
            result.error = parser.error();
            result.received_at_error = buffer.size();
            return result;
        }
    }
}

// Runs `wire` both ways and checks that it is refused with `status` and `message`.
inline void check_refused(std::string_view wire, int status, std::string_view message, ParserLimits limits = {}) {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(wire, feed, limits);
        REQUIRE(r.error);
        CHECK(r.error->status == status);
        CHECK(r.error->message == message);
        CHECK(r.requests.empty());
    }
}

inline std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace parser_feed
