#include "exchange.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include <tern/core/error.hpp>
#include <tern/core/log.hpp>
#include <tern/core/loop.hpp>

#include "http/body_writer.hpp"
#include "http/error_response.hpp"
#include "http/file_response.hpp"
#include "http/parser.hpp"
#include "http/serializer.hpp"

namespace tern::testing::detail {

namespace {

using tern::detail::ParseState;
using tern::detail::RequestData;
using tern::detail::RequestParser;
using tern::detail::SpecialBody;

constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
// A file body is read in pieces of this size (the network sends it with sendfile).
constexpr std::size_t file_piece = 64 * 1024;

// What the server's loops give their parsers (server.cpp): a route may allow a larger body.
tern::detail::ParserLimits limits_of(App const& app, ServerOptions const& options) noexcept {
    return {.max_request_line = options.max_request_line,
            .max_header_bytes = options.max_header_bytes,
            .max_header_count = options.max_header_count,
            .max_body = std::max(options.max_body, app.largest_body_limit())};
}

// A streamed route reads its body through req.body_stream(); here it has all arrived, so it
// comes as one piece, as a fast client's body often does on the network.
Generator<std::string_view> one_piece(std::string body) {
    if (!body.empty()) co_yield std::string_view{body};
}

using tern::detail::append_chunk;
using tern::detail::report_delivery;

// Runs the generator to its end, framing as body_writer.cpp does. A generator that throws is
// logged and leaves the body without its last chunk, as on the network.
Task<void> collect_stream(Generator<std::string>& chunks, bool chunked, std::string_view label,
                          std::string& out, Delivery& delivery) {
    try {
        for (;;) {
            std::optional<std::string> chunk = co_await chunks.next();
            if (!chunk) break;
            if (chunk->empty()) continue;   // an empty chunk would end a chunked body
            if (chunked) append_chunk(out, *chunk);
            else out += *chunk;
            delivery.body_bytes += chunk->size();
        }
    } catch (CancelledError const&) {
        throw;
    } catch (std::exception const& e) {
        log_error("{}: the streamed body failed after {} bytes: {}", label, delivery.body_bytes, e.what());
        co_return;
    }
    if (chunked) out += "0\r\n\r\n";
    delivery.complete = true;
}

// Reads the range prepare_file_response chose, where the network would use sendfile.
Task<void> collect_file(tern::detail::FileBody& file, std::string_view label, std::string& out, Delivery& delivery) {
    std::string piece;
    std::uint64_t offset = file.offset;
    std::uint64_t left = file.length;
    try {
        while (left > 0) {
            piece.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, file_piece)));
            std::size_t const n = co_await file.file.read(offset, std::span<char>{piece});
            if (n == 0) {
                log_error("{}: {} became shorter while it was sent", label, file.path);
                co_return;
            }
            out.append(piece, 0, n);
            offset += n;
            left -= n;
            delivery.body_bytes += n;
        }
    } catch (std::exception const& e) {
        log_error("{}: sending {} failed: {}", label, file.path, e.what());
        co_return;
    }
    delivery.complete = true;
}

// The body the serializer leaves out: a stream or a file (or nothing, for a head-only answer).
Task<void> collect_special_body(Response& res, RequestData const& data, bool head, std::string& out) {
    SpecialBody& body = *res.special();
    int const status = res.status();
    if (body.upgrade && status == 101) co_return;   // the connection would hand itself over here
    Delivery delivery{.status = status};
    bool const head_only = head || status < 200 || status == 204 || status == 304;
    if (head_only || (!body.stream && !body.file)) {
        delivery.body_bytes = head_only ? 0 : res.body().size();
        delivery.complete = true;
    } else if (body.stream) {
        co_await collect_stream(*body.stream, data.http_minor == 1, data.target, out, delivery);
    } else {
        co_await collect_file(*body.file, data.target, out, delivery);
    }
    if (body.file && body.file->file.is_open()) co_await body.file->file.close();
    report_delivery(body, delivery);
}

// connection.cpp's turn for one complete request, with the output kept instead of written.
Task<void> answer(App const& app, RequestData& data, std::string& out) {
    Request req{data};
    std::optional<Response> answered;
    std::exception_ptr failure;
    try {
        Task<Response> handled = app.serve(req);
        answered.emplace(co_await std::move(handled));
    } catch (CancelledError const&) {
        throw;
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) answered.emplace(tern::detail::error_response(failure, req));
    Response& res = *answered;
    bool const head = data.method == "HEAD";
    if (res.special() && res.is_file() && !res.special()->file->prepared) co_await tern::detail::prepare_file_response(req, res);
    SpecialBody* const special = res.special();
    bool const close_delimited = special && special->stream && data.http_minor == 0 && !head;
    bool const keep_alive = data.keep_alive && res.keep_alive() && !close_delimited;
    tern::detail::serialize_response(res,
                                     {.head = head,
                                      .close = !keep_alive,
                                      .http10_keep_alive = keep_alive && data.http_minor == 0,
                                      .chunked = special && special->stream && data.http_minor == 1},
                                     out);
    if (special) co_await collect_special_body(res, data, head, out);
}

// At the head of a request with a body, the route decides its limit and whether it streams
// (connection.cpp's apply_route_body_options). False, with the parser failed (413), when the
// announced size is over the route's limit.
bool apply_route_options(App const& app, ServerOptions const& options, RequestParser& parser,
                         std::string_view bytes, bool& streaming) {
    RequestData probe_data;
    std::string const head_copy{bytes.substr(0, parser.head_size())};
    parser.build_head(probe_data, head_copy);
    Request probe{probe_data};
    RouteOptions const* route = app.route_options(probe);
    std::size_t const limit = route && route->max_body ? *route->max_body : options.max_body;
    streaming = route && route->stream_body;
    return parser.limit_body(limit);
}

}  // namespace

Exchanged exchange(App const& app, ServerOptions const& options, std::string_view bytes) {
    if (Loop::try_current())
        throw std::logic_error("tern::testing::Client runs a loop of its own: call it outside tern::run and handlers");
    Exchanged result;
    RequestParser parser{limits_of(app, options)};
    bool streaming = false;
    ParseState state = parser.parse(bytes);
    if (state == ParseState::headers_complete) {
        if (app.has_body_options() && parser.has_body() && !apply_route_options(app, options, parser, bytes, streaming))
            state = ParseState::failed;
        else {
            if (parser.expects_continue()) result.wire += continue_line;
            state = parser.parse(bytes);
        }
    }
    if (state == ParseState::failed) {
        tern::detail::serialize_error(parser.error().status, parser.error().message, /*close=*/true, result.wire);
        return result;
    }
    if (state != ParseState::complete)
        throw std::invalid_argument("tern::testing: the request bytes end before the request does");
    RequestData data;
    parser.build(data, bytes);
    data.remote_address = "127.0.0.1:50000";
    std::optional<Generator<std::string_view>> body;
    if (streaming) {
        body.emplace(one_piece(std::string(data.body)));
        data.body = {};
        data.body_stream = &*body;
    }
    result.head = data.method == "HEAD";
    tern::run(answer(app, data, result.wire));
    return result;
}

}  // namespace tern::testing::detail
