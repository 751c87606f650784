#pragma once
// The HTTP/1.1 request parser: llhttp turns bytes into events, and this class turns the events
// into a RequestData whose views point into the connection's buffer. It does no I/O, so the
// connection decides when to read, and tests feed it bytes directly.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <llhttp.h>

#include <tern/http/detail/request_data.hpp>

namespace tern::detail {

/// What a client may send before the parser refuses it. Every limit is checked while the bytes
/// arrive, so a client that never stops sending never makes the buffer grow much past a limit.
struct ParserLimits {
    std::size_t max_request_line = 8 * 1024;   // method, target and version: longer is 414
    std::size_t max_header_bytes = 8 * 1024;   // header fields and the blank line, after the request line: more is 431
    std::size_t max_header_count = 100;        // header fields (and, separately, trailer fields): more is 431
    std::size_t max_body = 1024 * 1024;        // a larger Content-Length, or chunked total, is 413
};

enum class ParseState {
    need_more,          // read more bytes, then call parse() again with the grown window
    headers_complete,   // once per request: decide on `100 Continue`, then call parse() again
    complete,           // call build(), answer, then next()
    failed,             // answer error().status and close: the stream can no longer be framed
};

struct ParseError {
    int status = 0;          // 400, 413, 414, 431, 501 or 505
    std::string message;     // what was wrong, for the response body and the log
};

/// Whether a plain GET or HEAD whose whole head has arrived is read by the parser's own scan
/// (RequestParser::parse_simple_head) or, like every other request, by llhttp. The scan gives the
/// same result as llhttp for what it takes; `llhttp_only` is for the fuzz target that checks so.
enum class HeadScan { simple_first, llhttp_only };

class RequestParser {
public:
    explicit RequestParser(ParserLimits limits = {}, HeadScan scan = HeadScan::simple_first) noexcept;

    /// Parses the part of `window` not parsed yet. `window` runs from the first byte of the
    /// current request to the last byte received; its data pointer may change between calls (the
    /// buffer may grow or be compacted), because only offsets are kept. It must always begin
    /// with the bytes passed before, and must not shrink.
    ParseState parse(std::string_view window);

    /// After `complete`: replaces `out` with the request. `window` must hold the same bytes as
    /// in the last parse() call; the views in `out` point into it (or into `out`'s own storage),
    /// so they stay valid while those bytes stay in place and unchanged.
    void build(RequestData& out, std::string_view window) const;

    // From headers_complete on: what the connection needs before it reads the body.
    bool expects_continue() const noexcept;                  // HTTP/1.1 and "Expect: 100-continue"
    std::optional<std::size_t> content_length() const noexcept;  // nullopt when chunked or not sent
    bool keep_alive() const noexcept;                        // from the version and Connection
    bool upgrade() const noexcept;                           // "Connection: upgrade" with "Upgrade"
    /// At headers_complete: the request is complete already and has no body (nearly every GET),
    /// so it may be answered now; the next parse() would only say `complete`.
    bool complete_without_body() const noexcept { return message_.message_done && !has_body(); }

    /// After `failed`: the status to answer with, and why. Valid until next().
    const ParseError& error() const noexcept { return error_; }

    /// After `complete`: how many bytes at the start of the window this request occupies (of
    /// a streamed body, what is left of it after the bytes already dropped).
    std::size_t message_size() const noexcept { return message_.message_size - message_.discarded; }

    // Bodies handed over as they arrive (routes that stream their body), from headers_complete on.
    /// True when the request announced a body (a Content-Length above 0, or chunked).
    bool has_body() const noexcept {
        return message_.chunked || (message_.content_length && *message_.content_length > 0);
    }
    /// True when the head announced a body that has not all arrived: the client may still be
    /// sending it.
    bool body_pending() const noexcept { return message_.headers_done && !message_.message_done && has_body(); }
    /// Lowers or raises this request's body limit (ParserLimits::max_body is the default); false,
    /// and the parser failed with 413, when what was announced or has arrived exceeds it.
    bool limit_body(std::size_t max) noexcept;
    /// Like build(), without the body: `head` holds the request's first head_size() bytes (a copy
    /// of them, so that the views outlive the window while the body streams through it).
    void build_head(RequestData& out, std::string_view head) const;
    std::size_t head_size() const noexcept { return message_.head_end; }
    /// Appends the body bytes parsed since the last call to `pieces`, as views into `window`
    /// (de-chunked), valid until the caller drops bytes from its buffer.
    void take_body(std::string_view window, std::vector<std::string_view>& pieces);
    /// Forgets the body bytes taken so far and everything before them: returns how many bytes
    /// the caller must drop from the front of its buffer now. The window passed next begins
    /// after them; the head's views must then come from build_head's copy.
    std::size_t drop_taken_body() noexcept;

    /// Starts over for the next request, which the caller's window must now begin with: call it
    /// after dropping message_size() bytes from the buffer. Not after a request that was not
    /// keep_alive(), nor after an upgrade the server accepted: the connection ends there.
    void next() noexcept;

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    // A part of the window, as offsets, because the window may move between calls. llhttp
    // reports a part in pieces when it straddles two calls; the pieces are contiguous.
    struct Span {
        std::size_t begin = npos;
        std::size_t end = 0;
        void extend(std::size_t offset, std::size_t size) noexcept;
        std::size_t size() const noexcept { return begin == npos ? 0 : end - begin; }
        // Inline: a request's head is a dozen of these lookups.
        std::string_view in(std::string_view window) const noexcept {
            return begin == npos ? std::string_view{} : std::string_view{window.data() + begin, end - begin};
        }
    };
    struct HeaderSpan {
        Span name;
        Span value;
    };
    // Everything about the current request except the vectors, so next() can reset it whole.
    struct Message {
        std::size_t consumed = 0;       // bytes of the window already given to llhttp
        std::size_t feed_end = 0;       // the end of the bytes the running llhttp_execute was given
        std::size_t request_start = npos;
        std::size_t head_end = 0;       // just past the blank line ending the head
        std::size_t request_line_end = 0;   // just past the request line's CRLF
        std::size_t message_size = 0;
        Span url;
        Span path;                      // within url; empty for an absolute-form "http://host"
        Span query;
        Span authority;                 // within url, for absolute-form: "host:port"
        Span host;                      // the effective host: authority, else the Host value
        std::size_t head_last = 0;      // end of the last version, name or value seen
        std::size_t body_bytes = 0;     // body bytes seen so far (chunked: data, not framing)
        std::size_t last_body_end = 0;  // just past the last body byte seen; 0 before any
        // Offsets are counted from the request's first byte. A streamed body lets the caller drop
        // the bytes before last_body_end; the window then starts at `discarded`.
        std::size_t discarded = 0;
        std::size_t body_limit = npos;  // this request's limit; npos: ParserLimits::max_body
        std::size_t chunked_total = 0;  // sum of announced chunk sizes
        std::size_t chunk_count = 0;
        std::size_t trailer_count = 0;
        std::size_t host_count = 0;
        std::optional<std::size_t> content_length;
        std::uint8_t method = 0;
        std::uint8_t http_major = 1;
        std::uint8_t http_minor = 1;
        bool field_open = false;        // a header name is still arriving
        bool request_line_done = false;
        bool headers_done = false;
        bool headers_reported = false;
        bool message_done = false;
        bool failed = false;
        bool chunked = false;
        bool keep_alive = false;
        bool upgrade = false;
        bool expect_continue = false;
        bool path_escaped = false;            // the path holds a '%': build() decodes it
        bool connection_close = false;        // a Connection field lists "close"
        bool connection_keep_alive = false;   // a Connection field lists "keep-alive"
    };

    static llhttp_settings_t const& settings() noexcept;
    static RequestParser& self(llhttp_t* parser) noexcept;
    // llhttp's callbacks, under llhttp's event names.
    static int on_method(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_url(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_version(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_version_complete(llhttp_t* parser) noexcept;
    static int on_header_field(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_header_field_complete(llhttp_t* parser) noexcept;
    static int on_header_value(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_header_value_complete(llhttp_t* parser) noexcept;
    static int on_headers_complete(llhttp_t* parser) noexcept;
    static int on_chunk_header(llhttp_t* parser) noexcept;
    static int on_body(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_message_complete(llhttp_t* parser) noexcept;

    bool parse_simple_head(std::string_view window) noexcept;
    void feed(std::string_view window);
    void check_unseen_bytes() noexcept;
    std::size_t head_limit() const noexcept;
    void fail_headers_too_large() noexcept;
    void check_chunked_end() noexcept;
    void note_connection_options(std::string_view list) noexcept;
    bool finish_head() noexcept;
    bool check_line_endings() noexcept;
    bool check_request_line() noexcept;
    bool split_target() noexcept;
    bool check_transfer_encoding() noexcept;
    bool check_host() noexcept;
    void fail_unknown_method() noexcept;
    bool in_trailers() const noexcept;
    std::size_t offset(char const* at) const noexcept;
    int fail(int status, std::string message) noexcept;
    bool refuse(int status, std::string message) noexcept;
    void fail_from_llhttp(llhttp_errno_t err) noexcept;
    std::string_view body(RequestData& out, std::string_view window) const;
    void build_fields(RequestData& out, std::string_view window) const;
    std::size_t body_limit() const noexcept;

    llhttp_t llhttp_{};
    ParserLimits limits_;
    ParseError error_;
    Message message_;
    std::vector<HeaderSpan> headers_;  // keep their capacity across requests
    std::vector<Span> body_;           // one span, or one per chunk
    std::string_view window_;          // set only while llhttp_execute runs
    HeadScan scan_;
    bool llhttp_fed_ = false;          // since the last llhttp_reset: next() skips a needless one
};

}  // namespace tern::detail
