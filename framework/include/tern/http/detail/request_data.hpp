#pragma once
// The fields of a parsed request, filled by the parser (src/http/parser.*) and the router, read
// through tern::Request. Every view points into the connection's input buffer or into storage
// owned by the parser, and stays valid until the connection moves on to the next request.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tern/core/generator.hpp>

namespace tern {

/// One request header as sent (name case preserved). Views into the connection buffer.
struct Header {
    std::string_view name;
    std::string_view value;
};

/// One path parameter captured by the router: the name from the pattern, the value from the
/// percent-decoded path.
struct PathParam {
    std::string_view name;
    std::string_view value;
};

namespace detail {

struct RequestData {
    std::string_view method;          // "GET"; llhttp's method name
    std::string_view target;          // the request target as sent: "/a%20b?x=1", or absolute-form
    std::string_view raw_path;        // target's path part as sent (absolute-form: without scheme://host)
    std::string_view path;            // raw_path percent-decoded; views decoded_path_storage when it differs
    std::string_view query_string;    // after '?'; "" when absent
    std::string_view host;            // absolute-form's authority, else the Host value (RFC 9112 3.2.2)
    std::vector<Header> headers;      // in arrival order
    std::string_view body;            // the whole body (de-chunked when chunked)
    int http_major = 1;
    int http_minor = 1;
    bool keep_alive = true;           // llhttp_should_keep_alive, HTTP/1.0 rules included
    bool expect_continue = false;     // "Expect: 100-continue" was sent
    std::size_t wire_size = 0;        // bytes of the connection buffer this request occupied

    // Filled after parsing.
    std::vector<PathParam> params;    // set by the router
    std::string_view route;           // the matched route's pattern, "" when none matched
    std::size_t route_index = static_cast<std::size_t>(-1);   // the App's index of that route
    std::string_view remote_address;  // "127.0.0.1:50312"; a trusted proxy's client: "203.0.113.7"
    std::string_view scheme = "http"; // "https" when a trusted proxy says the client used it
    // A route with RouteOptions::stream_body: the body as the connection reads it (owned by the
    // connection, alive until the response is written); null when the body is in `body`.
    Generator<std::string_view>* body_stream = nullptr;

    // Storage that views above may point into; reused across requests, so it keeps capacity.
    std::string decoded_path_storage;
    std::string body_storage;         // chunked bodies are reassembled here

    /// Forgets the previous request, keeping the vectors' and strings' capacity.
    void clear() noexcept {
        method = target = raw_path = path = query_string = host = body = route = {};
        scheme = "http";
        route_index = static_cast<std::size_t>(-1);
        body_stream = nullptr;
        headers.clear();
        params.clear();
        http_major = http_minor = 1;
        keep_alive = true;
        expect_continue = false;
        wire_size = 0;
        decoded_path_storage.clear();
        body_storage.clear();
    }
};

}  // namespace detail
}  // namespace tern
