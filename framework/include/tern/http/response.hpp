#pragma once
// tern::Response: what a handler returns. Built by value, chainable, moved to the connection.
#include <chrono>
#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/core/generator.hpp>
#include <tern/http/response_body.hpp>
#include <tern/json/dump.hpp>

namespace tern {

namespace detail {
/// Deletes a SpecialBody out of line, so that ~Response stays small and inlined for the plain
/// responses that have none (measured: an inline delete made ~Response an out-of-line call
/// costing ~60 instructions per request on GET /).
struct SpecialBodyDeleter {
    void operator()(SpecialBody* body) const noexcept;
};
std::unique_ptr<SpecialBody, SpecialBodyDeleter> make_special_body();

/// An empty string with capacity, from this thread's pool of response bodies the connections
/// have finished with: serialising JSON then allocates nothing once warm.
std::string take_body_buffer() noexcept;
void recycle_heap_body(std::string&& body) noexcept;
/// Returns a body to this thread's pool (small ones only; the rest are freed). A short body,
/// inside its string, has nothing to give back and costs no call (~10 instructions per request).
inline void recycle_body_buffer(std::string&& body) noexcept {
    if (body.capacity() > std::string().capacity()) recycle_heap_body(std::move(body));
}

/// The content types the factories set, kept as these views (whose addresses the serializer
/// compares) rather than copied into each response.
inline constexpr std::string_view text_type = "text/plain; charset=utf-8";
inline constexpr std::string_view html_type = "text/html; charset=utf-8";
inline constexpr std::string_view json_type = "application/json";
inline constexpr std::string_view octets_type = "application/octet-stream";
}  // namespace detail

/// Attributes of a Set-Cookie header (RFC 6265). Defaults are the safe ones.
struct CookieOptions {
    std::string path = "/";
    std::string domain;                               // empty: host-only
    std::optional<std::chrono::seconds> max_age;      // absent: a session cookie
    bool secure = false;
    bool http_only = true;
    std::string same_site = "Lax";                    // "Strict", "Lax", "None" or "" to omit
};

/// An HTTP response: status, headers and body. Factories set the content type; status() and
/// header() chain on temporaries (`Response::json(item).status(201)`) and on named responses.
/// `Content-Length`, `Date` and `Server` are added by the server, never by hand.
class Response {
public:
    Response() = default;

    // Each factory takes its body as an rvalue, moved once into the response, or copies an
    // lvalue first (as a by-value parameter would, but without its second move: ~40
    // instructions per request less on GET /, callgrind).

    /// text/plain; charset=utf-8
    static Response text(std::string&& body);
    static Response text(std::string const& body) { return text(std::string(body)); }
    /// A literal (any NUL-terminated array): the body is made in place, without a std::string
    /// first (~30 instructions per request less on GET /, callgrind).
    template <std::size_t N>
    static Response text(char const (&body)[N]) {
        return Response{200, std::string_view(body), detail::text_type};
    }
    /// text/html; charset=utf-8
    static Response html(std::string&& body);
    static Response html(std::string const& body) { return html(std::string(body)); }
    /// A body of bytes with the given content type (application/octet-stream by default).
    static Response bytes(std::string&& body, std::string_view content_type = "application/octet-stream");
    static Response bytes(std::string const& body, std::string_view content_type = "application/octet-stream") {
        return bytes(std::string(body), content_type);
    }
    /// application/json from a preserialised document; Response::json(value) (json.hpp's
    /// overload) serialises models and json::Value.
    static Response raw_json(std::string&& document);
    static Response raw_json(std::string const& document) { return raw_json(std::string(document)); }
    /// application/json: a TERN_JSON model, a json::Value, or anything json::dump accepts,
    /// serialised straight into the body. Throws json::DumpError for NaN, Inf or invalid UTF-8.
    template <typename T>
    static Response json(T const& value) {
        std::string body = detail::take_body_buffer();
        ::tern::json::dump_to(body, value);
        return raw_json(std::move(body));
    }
    /// A redirect to `location` (307 keeps the method, like FastAPI's RedirectResponse).
    static Response redirect(std::string_view location, int status = 307);
    /// A response with no body (204 by default).
    static Response empty(int status = 204);

    /// A body written chunk by chunk as `chunks` yields them (aiohttp's StreamResponse, FastAPI's
    /// StreamingResponse): chunked for HTTP/1.1, close-delimited for HTTP/1.0. The generator
    /// runs after the middleware has returned, is not resumed while more than
    /// ServerOptions::stream_high_water bytes are unsent, is never run for HEAD, and is destroyed
    /// (its RAII cleanups run) as soon as the client leaves. An empty chunk is skipped.
    static Response stream(Generator<std::string> chunks, std::string_view content_type = "application/octet-stream");
    /// The file at `path` (FastAPI's FileResponse): opened once the middleware has returned
    /// (by App::static_files: before, so the middleware sees the final status), through
    /// uv_fs; 404 when it is missing or not a regular file; Content-Type by extension,
    /// Last-Modified, a strong ETag, 304 for If-None-Match / If-Modified-Since, single Range
    /// (206 / 416), and the body sent with sendfile.
    static Response file(std::string path);

    /// True for Response::stream: the body comes from a generator.
    bool is_stream() const noexcept { return special_ && special_->stream; }
    /// True for Response::file.
    bool is_file() const noexcept { return special_ && special_->file; }
    /// Takes a streamed body out, for middleware that wraps it (compression); put the wrapped
    /// generator back with stream_body(). Throws std::logic_error if the body is not a stream.
    Generator<std::string> take_stream();
    Response& stream_body(Generator<std::string> chunks) &;

    /// Calls `done` once the connection is finished with this response, with the body bytes it
    /// wrote and whether the body was complete: after the last byte, or when the client left
    /// mid-stream. For every kind of body. (The access log reports streamed bodies this way.)
    Response& on_sent(std::function<void(Delivery const&)> done) &;
    Response&& on_sent(std::function<void(Delivery const&)> done) && { return std::move(on_sent(std::move(done))); }

    /// Makes this a 101 Switching Protocols whose connection `hook` takes over once the head is
    /// sent (no HTTP is parsed on it afterwards). The WebSocket route uses it.
    Response& upgrade(std::function<Task<void>(UpgradedConnection&)> hook) &;

    /// Marks a streamed body as endless (an event stream): a graceful drain ends it at once,
    /// cleanly (chunked: with its last chunk), rather than waiting out the grace period.
    Response& ends_on_drain() &;
    Response&& ends_on_drain() && { return std::move(ends_on_drain()); }

    /// For the connection and the file/stream machinery; null for a plain buffered response.
    detail::SpecialBody* special() noexcept { return special_.get(); }
    detail::SpecialBody const* special() const noexcept { return special_.get(); }

    int status() const noexcept { return status_; }
    Response& status(int code) &;
    Response&& status(int code) && { return std::move(status(code)); }

    /// Adds a header. Throws std::invalid_argument if the name is not an HTTP token or the value
    /// holds CR, LF or NUL (header injection), or for the headers the server owns.
    Response& header(std::string_view name, std::string_view value) &;
    Response&& header(std::string_view name, std::string_view value) && {
        return std::move(header(name, value));
    }
    /// The same for a value the caller hands over (a std::string rvalue), kept without a copy. A
    /// template so that a literal or an lvalue still goes to the overload above.
    template <typename Value>
        requires std::same_as<Value, std::string>
    Response& header(std::string_view name, Value&& value) & {
        return header_taken(name, std::move(value));
    }
    template <typename Value>
        requires std::same_as<Value, std::string>
    Response&& header(std::string_view name, Value&& value) && {
        return std::move(header_taken(name, std::move(value)));
    }
    /// Removes every header of that name (case-insensitive); returns how many there were.
    std::size_t remove_header(std::string_view name) noexcept;
    /// The first header of that name (case-insensitive), or "" when absent.
    std::string_view header(std::string_view name) const noexcept;
    std::vector<std::pair<std::string, std::string>> const& headers() const noexcept { return headers_; }

    /// Adds a Set-Cookie header. Throws std::invalid_argument for a name or value that a
    /// cookie cannot carry.
    Response& set_cookie(std::string_view name, std::string_view value, CookieOptions const& options = {}) &;
    Response&& set_cookie(std::string_view name, std::string_view value, CookieOptions const& options = {}) && {
        return std::move(set_cookie(name, value, options));
    }

    /// The Content-Type the server will send; "" sends none.
    std::string_view content_type() const noexcept {
        return custom_type_.empty() ? content_type_ : std::string_view(custom_type_);
    }
    Response& content_type(std::string_view type) &;
    /// For the serializer: the content type is one of the static literals (or none), whose
    /// address names it, rather than a type of the response's own.
    bool has_static_content_type() const noexcept { return custom_type_.empty(); }

    std::string& body() noexcept { return body_; }
    std::string const& body() const noexcept { return body_; }

    /// False once the handler asked to close the connection (`Connection: close`).
    bool keep_alive() const noexcept { return keep_alive_; }

private:
    Response& header_taken(std::string_view name, std::string&& value);
    // Checks a header about to be added. False when it is not to be stored as one: a
    // Content-Type, which content_type() has taken. Throws as header() documents.
    bool admit_header(std::string_view name, std::string_view value);

    Response(int status, std::string&& body, std::string_view content_type)
        : status_(status), body_(std::move(body)), content_type_(content_type) {}
    Response(int status, std::string_view body, std::string_view content_type)
        : status_(status), body_(body), content_type_(content_type) {}

    int status_ = 200;
    std::string body_;
    // The common types are static literals, so the hot path allocates nothing for them;
    // other types are kept in custom_type_ alone. A view into custom_type_ must not be kept
    // here: a short type lives in the string's inline buffer, which a move leaves behind.
    std::string_view content_type_;
    std::string custom_type_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::unique_ptr<detail::SpecialBody, detail::SpecialBodyDeleter> special_;   // a stream, a file, on_sent callbacks
    bool keep_alive_ = true;
};

/// The reason phrase for a status code ("Not Found"), or "Unknown" for codes without one.
std::string_view reason_phrase(int status) noexcept;

}  // namespace tern
