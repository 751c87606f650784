#pragma once
// The HTTP/1.1 response parser of tern::http::Client: llhttp in response mode turns bytes into
// events, and this class keeps the head (copied, since it is small and must outlive the read
// buffer) and hands the body over in pieces as they arrive (views, not copies). No I/O: the
// client decides when to read, and tests and the fuzz target feed it bytes directly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <llhttp.h>

namespace tern::http::detail {

/// What a server may send before the parser refuses its response. Checked while the bytes
/// arrive, so a server that never stops sending never makes the client buffer much past them.
struct ResponseLimits {
    std::size_t max_head_bytes = 64 * 1024;        // status lines and fields of the final response and any 1xx before it
    std::size_t max_header_count = 256;            // fields of one head
    std::size_t max_body = 64 * 1024 * 1024;       // a larger Content-Length, or more body bytes, fails
    std::size_t max_interim = 32;                  // 1xx responses before the final one
};

/// The status line and the header fields, copied out of the wire bytes.
struct ResponseHead {
    int status = 0;
    std::string reason;
    std::uint8_t http_major = 1;
    std::uint8_t http_minor = 1;
    std::vector<std::pair<std::string, std::string>> headers;   // in arrival order, duplicates kept
};

enum class ResponseState {
    need_more,   // read more bytes (or call finish() at EOF)
    complete,    // the final response is whole; head(), keep_alive(), consumed() tell the rest
    failed,      // error() says what was malformed or too large; close the connection
};

class ResponseParser {
public:
    explicit ResponseParser(ResponseLimits limits = {}) noexcept;
    ResponseParser(ResponseParser const&) = delete;
    ResponseParser& operator=(ResponseParser const&) = delete;

    /// Starts over for the next response on the connection. `head_request`: the request was
    /// HEAD, so the response has no body whatever its Content-Length says (RFC 9110 9.3.2).
    void start(bool head_request) noexcept;

    /// Parses `bytes`, the connection's bytes not consumed yet. consumed() then says how many of
    /// them the parser has used (drop those from the buffer); the rest is passed again, with
    /// what arrives next. Body bytes found are appended to `body` as views into `bytes` (de-
    /// chunked), valid as long as those bytes stay where they are. 1xx responses are skipped.
    /// Parsing stops at the end of the final response: bytes after it are left unconsumed.
    ResponseState parse(std::string_view bytes, std::vector<std::string_view>& body);

    /// At EOF: ends a close-delimited body (complete), or fails naming what was cut short.
    ResponseState finish();

    /// Bytes of the last parse() call's `bytes` that were used.
    std::size_t consumed() const noexcept { return consumed_; }

    /// True once the final response's head is complete (from then on head() is that head).
    bool head_ready() const noexcept { return m_.head_done; }
    ResponseHead& head() noexcept { return head_; }
    ResponseHead const& head() const noexcept { return head_; }

    /// True before any byte of the response has arrived: a connection that closes then was
    /// broken before the request was read (a stale keep-alive connection), not mid-response.
    bool nothing_received() const noexcept { return m_.total == 0; }

    /// After complete: whether the connection may carry another request (HTTP/1.1 without
    /// `Connection: close`, HTTP/1.0 with keep-alive, and a body not delimited by the close).
    bool keep_alive() const noexcept { return m_.keep_alive; }

    /// From head_ready(): the announced Content-Length, or -1 (chunked, close-delimited, none).
    long long content_length() const noexcept { return m_.content_length; }
    std::size_t body_bytes() const noexcept { return m_.body_bytes; }
    std::size_t interim_count() const noexcept { return m_.interim; }

    /// After failed: what was wrong ("invalid chunk size", "response head exceeds 65536 bytes").
    std::string const& error() const noexcept { return error_; }

private:
    // Per response; start() resets it whole.
    struct Message {
        std::size_t total = 0;          // bytes used so far, 1xx responses included
        std::size_t head_bytes = 0;     // bytes used before the final head was complete
        std::size_t framing_bytes = 0;  // chunk extensions and trailers, as llhttp reports them
        std::size_t body_bytes = 0;
        std::size_t chunk_count = 0;
        std::size_t chunked_total = 0;
        std::size_t field_count = 0;
        std::size_t interim = 0;
        long long content_length = -1;
        bool head_request = false;
        bool field_open = false;
        bool value_open = false;
        bool head_done = false;         // the final response's head
        bool in_trailers = false;
        bool message_done = false;
        bool interim_done = false;      // a 1xx response ended: start its successor
        bool failed = false;
        bool keep_alive = false;
    };

    static llhttp_settings_t const& settings() noexcept;
    static ResponseParser& self(llhttp_t* parser) noexcept;
    // llhttp's callbacks, under llhttp's event names.
    static int on_message_begin(llhttp_t* parser) noexcept;
    static int on_status(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_header_field(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_header_field_complete(llhttp_t* parser) noexcept;
    static int on_header_value(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_header_value_complete(llhttp_t* parser) noexcept;
    static int on_headers_complete(llhttp_t* parser) noexcept;
    static int on_framing_complete(llhttp_t* parser) noexcept;
    static int on_chunk_header(llhttp_t* parser) noexcept;
    static int on_body(llhttp_t* parser, char const* at, std::size_t size) noexcept;
    static int on_message_complete(llhttp_t* parser) noexcept;

    int headers_complete() noexcept;
    bool lists_close() const noexcept;
    bool check_framing() noexcept;
    void check_budgets() noexcept;
    void next_interim() noexcept;
    std::size_t head_budget_left() const noexcept;
    int fail(std::string message);
    void fail_from_llhttp(llhttp_errno_t err);

    llhttp_t llhttp_{};
    ResponseLimits limits_;
    Message m_;
    ResponseHead head_;
    std::string error_;
    std::size_t consumed_ = 0;
    std::vector<std::string_view>* body_out_ = nullptr;   // set only while llhttp_execute runs
};

}  // namespace tern::http::detail
