#include "response_parser.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include <fmt/format.h>

#include "http/http_chars.hpp"

namespace tern::http::detail {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// llhttp's own reason for an error, for the messages that have no better wording here.
std::string llhttp_reason(llhttp_t const* parser, llhttp_errno_t err) {
    char const* reason = llhttp_get_error_reason(parser);
    return fmt::format("{}: {}", llhttp_errno_name(err), reason ? reason : "");
}

}  // namespace

ResponseParser::ResponseParser(ResponseLimits limits) noexcept : limits_(limits) {
    llhttp_init(&llhttp_, HTTP_RESPONSE, &settings());
}

llhttp_settings_t const& ResponseParser::settings() noexcept {
    static llhttp_settings_t const instance = [] {
        llhttp_settings_t s;
        llhttp_settings_init(&s);
        s.on_message_begin = &on_message_begin;
        s.on_status = &on_status;
        s.on_header_field = &on_header_field;
        s.on_header_field_complete = &on_header_field_complete;
        s.on_header_value = &on_header_value;
        s.on_header_value_complete = &on_header_value_complete;
        s.on_headers_complete = &on_headers_complete;
        s.on_chunk_header = &on_chunk_header;
        s.on_body = &on_body;
        s.on_message_complete = &on_message_complete;
        // Chunk extensions are dropped, but their bytes count against the head budget (below).
        s.on_chunk_extension_name = &on_header_value;
        s.on_chunk_extension_value = &on_header_value;
        s.on_chunk_extension_name_complete = &on_framing_complete;
        s.on_chunk_extension_value_complete = &on_framing_complete;
        return s;
    }();
    return instance;
}

ResponseParser& ResponseParser::self(llhttp_t* parser) noexcept { return *static_cast<ResponseParser*>(parser->data); }

void ResponseParser::start(bool head_request) noexcept {
    llhttp_reset(&llhttp_);   // also leaves the pause of on_message_complete
    m_ = Message{};
    m_.head_request = head_request;
    head_ = ResponseHead{};
    error_.clear();
    consumed_ = 0;
}

// Until the final head is complete, llhttp gets no more than the head budget has left, so an
// endless head fails at its limit, at the same byte however the bytes were split into reads.
std::size_t ResponseParser::head_budget_left() const noexcept {
    return limits_.max_head_bytes > m_.head_bytes ? limits_.max_head_bytes - m_.head_bytes : 0;
}

ResponseState ResponseParser::parse(std::string_view bytes, std::vector<std::string_view>& body) {
    consumed_ = 0;
    llhttp_.data = this;   // here rather than in the constructor, so that the parser may be moved
    body_out_ = &body;
    while (consumed_ < bytes.size() && !m_.message_done && !m_.failed) {
        std::size_t size = bytes.size() - consumed_;
        if (!m_.head_done) size = std::min(size, head_budget_left());
        if (size == 0) {
            fail(fmt::format("response head exceeds {} bytes", limits_.max_head_bytes));
            break;
        }
        char const* const begin = bytes.data() + consumed_;
        bool const head_was_done = m_.head_done;
        llhttp_errno_t const err = llhttp_execute(&llhttp_, begin, size);
        std::size_t used = size;
        if (err == HPE_PAUSED) {
            used = static_cast<std::size_t>(llhttp_get_error_pos(&llhttp_) - begin);
        } else if (err != HPE_OK) {
            fail_from_llhttp(err);
        }
        consumed_ += used;
        m_.total += used;
        if (!head_was_done) m_.head_bytes += used;
        if (m_.interim_done) next_interim();
    }
    body_out_ = nullptr;
    if (m_.failed) return ResponseState::failed;
    return m_.message_done ? ResponseState::complete : ResponseState::need_more;
}

// A 1xx response has ended: the final response follows on the same connection.
void ResponseParser::next_interim() noexcept {
    m_.interim_done = false;
    llhttp_reset(&llhttp_);
    head_ = ResponseHead{};
    m_.field_count = 0;
    if (++m_.interim > limits_.max_interim) fail(fmt::format("more than {} 1xx responses", limits_.max_interim));
}

ResponseState ResponseParser::finish() {
    if (m_.failed) return ResponseState::failed;
    if (m_.message_done) return ResponseState::complete;
    if (m_.total == 0) {
        fail("the connection closed before any byte of the response arrived");
        return ResponseState::failed;
    }
    llhttp_.data = this;
    llhttp_errno_t const err = llhttp_finish(&llhttp_);
    if (m_.message_done) return m_.failed ? ResponseState::failed : ResponseState::complete;
    if (m_.failed) return ResponseState::failed;
    if (!m_.head_done && err == HPE_OK) {
        fail("the connection closed after a 1xx response, before the final response");
    } else if (!m_.head_done) {
        fail("the connection closed in the middle of the response head");
    } else if (m_.content_length >= 0) {
        fail(fmt::format("the connection closed after {} of {} body bytes", m_.body_bytes, m_.content_length));
    } else {
        fail("the connection closed before the chunked body was complete");
    }
    return ResponseState::failed;
}

int ResponseParser::fail(std::string message) {
    if (!m_.failed) {
        m_.failed = true;
        error_ = std::move(message);
    }
    return HPE_USER;
}

int ResponseParser::on_message_begin(llhttp_t* parser) noexcept {
    ResponseParser& p = self(parser);
    p.head_ = ResponseHead{};
    p.m_.field_count = 0;
    return 0;
}

// RFC 9112 4: reason-phrase = *( HTAB / SP / VCHAR / obs-text ); llhttp lets other controls by.
int ResponseParser::on_status(llhttp_t* parser, char const* at, std::size_t size) noexcept {
    ResponseParser& p = self(parser);
    for (char c : std::string_view{at, size}) {
        auto const u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return p.fail("a control character in the reason phrase");
    }
    p.head_.reason.append(at, size);
    return 0;
}

// llhttp reports trailer fields (after a chunked body) through the same callbacks; they are
// counted against the limits and dropped, as RFC 9110 6.5 allows.
int ResponseParser::on_header_field(llhttp_t* parser, char const* at, std::size_t size) noexcept {
    ResponseParser& p = self(parser);
    Message& m = p.m_;
    if (!m.field_open) {
        m.field_open = true;
        if (!m.in_trailers) p.head_.headers.emplace_back();
    }
    if (m.in_trailers) {
        m.framing_bytes += size;
        return 0;
    }
    p.head_.headers.back().first.append(at, size);
    return 0;
}

// llhttp 8.1 takes a line starting with ':' as a field with an empty name, reported by this
// callback alone; names that are not tokens are refused here too, whatever llhttp's build.
int ResponseParser::on_header_field_complete(llhttp_t* parser) noexcept {
    ResponseParser& p = self(parser);
    Message& m = p.m_;
    if (!std::exchange(m.field_open, false)) return p.fail("a header field with an empty name");
    if (m.in_trailers && on_framing_complete(parser) != 0) return HPE_USER;
    // Counted here, where the name is whole: llhttp reports a name in pieces only when a read
    // ends inside it, so counting its first piece would make the verdict depend on the reads.
    if (++m.field_count > p.limits_.max_header_count) {
        return p.fail(fmt::format("more than {} {} fields", p.limits_.max_header_count,
                                  m.in_trailers ? "trailer" : "header"));
    }
    if (!m.in_trailers && !tern::detail::is_token(p.head_.headers.back().first))
        return p.fail("invalid character in a header name");
    return 0;
}

// Also the callback for chunk extensions. After the head, `framing_bytes` counts the bytes of
// chunk extensions and trailers that llhttp reports, and on_framing_complete checks them when
// each element is whole: llhttp reports an element in pieces only when a read ends inside it,
// so a check per piece would make the verdict depend on how the response was split.
int ResponseParser::on_header_value(llhttp_t* parser, char const* at, std::size_t size) noexcept {
    ResponseParser& p = self(parser);
    Message& m = p.m_;
    if (m.head_done) {
        m.framing_bytes += size;
        return 0;
    }
    if (p.head_.headers.empty()) return p.fail("a header value without a name");
    p.head_.headers.back().second.append(at, size);
    return 0;
}

// llhttp keeps a value's trailing whitespace; RFC 9110 5.5 says it is not part of the value.
int ResponseParser::on_framing_complete(llhttp_t* parser) noexcept {
    ResponseParser& p = self(parser);
    if (p.m_.framing_bytes > p.limits_.max_head_bytes)
        return p.fail(fmt::format("chunk extensions and trailers exceed {} bytes", p.limits_.max_head_bytes));
    return 0;
}

int ResponseParser::on_header_value_complete(llhttp_t* parser) noexcept {
    ResponseParser& p = self(parser);
    if (p.m_.head_done) return on_framing_complete(parser);
    if (p.head_.headers.empty()) return 0;
    std::string& value = p.head_.headers.back().second;
    while (!value.empty() && is_ows(value.back())) value.pop_back();
    return 0;
}

// Returning 1 tells llhttp that this response has no body (F_SKIPBODY): llhttp 8.1 knows that
// only for a response without Content-Length, so a 304 carrying the Content-Length of the
// representation, or the answer to a HEAD, must be told here (RFC 9112 6.3 rules 1 and 2).
int ResponseParser::on_headers_complete(llhttp_t* parser) noexcept { return self(parser).headers_complete(); }

int ResponseParser::headers_complete() noexcept {
    Message& m = m_;
    head_.status = llhttp_get_status_code(&llhttp_);
    head_.http_major = llhttp_get_http_major(&llhttp_);
    head_.http_minor = llhttp_get_http_minor(&llhttp_);
    if (head_.http_major != 1) {
        return fail(fmt::format("an HTTP/{}.{} response: the client speaks HTTP/1.0 and HTTP/1.1 only",
                                head_.http_major, head_.http_minor));
    }
    if (head_.status == 101) return fail("an unexpected 101 Switching Protocols (the client asked for no upgrade)");
    if (head_.status < 200) return 1;   // a 1xx: skipped when it ends (next_interim)
    m.head_done = true;
    bool const no_body = m.head_request || head_.status == 204 || head_.status == 304;
    if (no_body) return 1;
    if (!check_framing()) return HPE_USER;
    return 0;
}

// tern decodes no transfer coding but chunked: "gzip, chunked" would hand gzip bytes over as
// the body, and a coding list not ending in chunked would be read to the close undecoded.
bool ResponseParser::check_framing() noexcept {
    Message& m = m_;
    bool const chunked = (llhttp_.flags & F_CHUNKED) != 0;
    if (llhttp_.flags & F_TRANSFER_ENCODING) {
        for (auto const& [name, value] : head_.headers) {
            if (tern::detail::iequals(name, "transfer-encoding") && !tern::detail::iequals(value, "chunked")) {
                fail(fmt::format("Transfer-Encoding '{}' is not supported", value.substr(0, 64)));
                return false;
            }
        }
    }
    if (!chunked && (llhttp_.flags & F_CONTENT_LENGTH)) {
        m.content_length = static_cast<long long>(llhttp_.content_length);
        if (llhttp_.content_length > limits_.max_body) {
            fail(fmt::format("a body of {} bytes exceeds the {}-byte limit", llhttp_.content_length, limits_.max_body));
            return false;
        }
    }
    return true;
}

int ResponseParser::on_chunk_header(llhttp_t* parser) noexcept {
    ResponseParser& p = self(parser);
    Message& m = p.m_;
    std::uint64_t const size = p.llhttp_.content_length;   // this chunk's size, while in this callback
    ++m.chunk_count;
    if (size == 0) m.in_trailers = true;
    if (size > p.limits_.max_body - m.chunked_total) {
        return p.fail(fmt::format("a chunked body exceeds the {}-byte limit", p.limits_.max_body));
    }
    m.chunked_total += size;
    return 0;
}

int ResponseParser::on_body(llhttp_t* parser, char const* at, std::size_t size) noexcept {
    ResponseParser& p = self(parser);
    Message& m = p.m_;
    if (size == 0) return 0;
    if (size > p.limits_.max_body - m.body_bytes) {   // a body delimited by the close
        return p.fail(fmt::format("the body exceeds the {}-byte limit", p.limits_.max_body));
    }
    m.body_bytes += size;
    std::vector<std::string_view>& out = *p.body_out_;
    // Pieces that touch (one chunk split by nothing) are joined, so a body in one read is one view.
    if (!out.empty() && out.back().data() + out.back().size() == at) {
        out.back() = std::string_view{out.back().data(), out.back().size() + size};
    } else {
        out.emplace_back(at, size);
    }
    return 0;
}

// Pausing stops llhttp at the end of the response, so that bytes behind it stay unconsumed
// (a well-behaved server sends none; the client then closes rather than reuse the connection).
int ResponseParser::on_message_complete(llhttp_t* parser) noexcept {
    ResponseParser& p = self(parser);
    if (!p.m_.head_done) {   // a 1xx response
        p.m_.interim_done = true;
        return HPE_PAUSED;
    }
    p.m_.keep_alive = llhttp_should_keep_alive(&p.llhttp_) != 0 && !p.lists_close();
    p.m_.message_done = true;
    return HPE_PAUSED;
}

// llhttp 8.1 takes "close" followed by a tab for another option (RFC 9110 7.6.1 allows spaces
// and tabs around each), and would have the connection reused after the server closed it.
bool ResponseParser::lists_close() const noexcept {
    for (auto const& [name, value] : head_.headers) {
        if (tern::detail::iequals(name, "connection") && tern::detail::list_has_token(value, "close")) return true;
    }
    return false;
}

void ResponseParser::fail_from_llhttp(llhttp_errno_t err) {
    if (m_.failed) return;   // a callback's refusal, which llhttp reports again as its own error
    switch (err) {
    case HPE_INVALID_CONSTANT: fail("malformed status line (not 'HTTP/1.x')"); break;
    case HPE_INVALID_VERSION: fail("malformed HTTP version in the status line"); break;
    case HPE_INVALID_STATUS: fail("malformed status code"); break;
    case HPE_INVALID_HEADER_TOKEN: fail("invalid character in a header"); break;
    case HPE_CR_EXPECTED:
    case HPE_LF_EXPECTED: fail("a line not ended by CRLF"); break;
    case HPE_INVALID_CONTENT_LENGTH: fail("invalid Content-Length"); break;
    case HPE_UNEXPECTED_CONTENT_LENGTH: fail("Content-Length with Transfer-Encoding, or twice"); break;
    case HPE_INVALID_CHUNK_SIZE: fail("invalid chunk size"); break;
    case HPE_INVALID_TRANSFER_ENCODING: fail("invalid Transfer-Encoding"); break;
    case HPE_CLOSED_CONNECTION: fail("bytes after a response that closes the connection"); break;
    default: fail("malformed response (" + llhttp_reason(&llhttp_, err) + ")");
    }
}

}  // namespace tern::http::detail
