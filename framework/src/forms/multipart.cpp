#include <tern/forms/multipart.hpp>

#include <algorithm>
#include <string>

#include <tern/forms/error.hpp>

#include "header_value.hpp"
#include "part_head.hpp"

namespace tern::forms {

namespace {

constexpr std::size_t max_boundary_size = 70;   // RFC 2046 5.1.1

// RFC 2046 5.1.1's bchars. The parser relies on them: with no CR in the boundary, a CR begins
// the delimiter only at its first byte, so a failed partial match never hides another one.
bool is_bchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

void check_boundary(std::string_view boundary) {
    if (boundary.empty() || boundary.size() > max_boundary_size)
        throw FormError(400, "multipart boundary is " + std::to_string(boundary.size()) +
                                 " characters long; RFC 2046 allows 1 to 70");
    auto const bad = std::find_if_not(boundary.begin(), boundary.end(), is_bchar);
    if (bad != boundary.end())
        throw FormError(400, "multipart boundary has the character " + detail::describe(*bad) +
                                 ", which RFC 2046 does not allow");
    if (boundary.back() == ' ') throw FormError(400, "multipart boundary ends in a space, which RFC 2046 does not allow");
}

}  // namespace

MultipartParser::MultipartParser(std::string boundary, FormLimits const& limits)
    : delimiter_("\r\n--" + boundary), limits_(limits) {
    check_boundary(boundary);
}

void MultipartParser::feed(std::string_view in, MultipartSink& sink) {
    while (!in.empty()) {
        switch (state_) {
        case State::preamble:
        case State::body:
            if (scan_for_delimiter(in, sink)) {
                if (state_ == State::body) sink.part_end();
                state_ = State::after_delimiter;
            }
            break;
        case State::after_delimiter:
        case State::padding:
        case State::delimiter_lf:
        case State::close_dash:
            after_delimiter(in.front());
            in.remove_prefix(1);
            break;
        case State::headers:
            read_headers(in, sink);
            break;
        case State::epilogue:
            return;
        }
    }
}

void MultipartParser::finish() const {
    if (state_ == State::epilogue) return;
    if (state_ == State::preamble)
        throw FormError(400, "multipart body has no delimiter line '" + delimiter_.substr(2) + "'");
    std::string where = part_ == 0 ? "" : " (in part " + std::to_string(part_) + ")";
    throw FormError(400, "multipart body ended before the closing boundary" + where);
}

// Passes on the input up to the next delimiter and consumes the delimiter; true when one was
// found. A delimiter cut off by the end of `in` is held (only its length is kept: its bytes
// are delimiter_'s) until the next feed completes or refutes it.
bool MultipartParser::scan_for_delimiter(std::string_view& in, MultipartSink& sink) {
    std::string_view const delimiter = delimiter_;
    if (held_ > 0) {
        std::size_t const wanted = delimiter.size() - held_;
        std::size_t const n = std::min(wanted, in.size());
        std::size_t matched = 0;
        while (matched < n && in[matched] == delimiter[held_ + matched]) ++matched;
        if (matched == wanted) {
            in.remove_prefix(matched);
            held_ = 0;
            held_virtual_ = false;
            return true;
        }
        if (matched == in.size()) {
            held_ += matched;
            in = {};
            return false;
        }
        release_held(held_ + matched, sink);
        in.remove_prefix(matched);
    }
    for (std::size_t from = 0;;) {
        auto const cr = in.find('\r', from);
        if (cr == std::string_view::npos) {
            emit(in, sink);
            in = {};
            return false;
        }
        std::size_t const n = std::min(delimiter.size(), in.size() - cr);
        if (in.substr(cr, n) == delimiter.substr(0, n)) {
            emit(in.substr(0, cr), sink);
            in.remove_prefix(cr + n);
            if (n == delimiter.size()) return true;
            held_ = n;
            return false;
        }
        from = cr + 1;
    }
}

// The first `count` bytes of the delimiter turned out to be content: passes them on, without
// the CRLF that was never in the input if the held bytes began with it.
void MultipartParser::release_held(std::size_t count, MultipartSink& sink) {
    std::size_t const skip = held_virtual_ ? 2 : 0;
    held_ = 0;
    held_virtual_ = false;
    if (count > skip) emit(std::string_view(delimiter_).substr(skip, count - skip), sink);
}

// Content goes to the sink inside a part, and nowhere in the preamble.
void MultipartParser::emit(std::string_view bytes, MultipartSink& sink) {
    if (state_ != State::body || bytes.empty()) return;
    std::size_t const limit = head_.is_file() ? limits_.max_file_size : limits_.max_field_size;
    if (bytes.size() > limit - part_size_)
        throw FormError(413, std::string(head_.is_file() ? "file '" : "field '") + head_.name + "' is larger than " +
                                 std::to_string(limit) + " bytes");
    part_size_ += bytes.size();
    sink.part_data(bytes);
}

// After "--boundary": "--" closes the body; optional padding and CRLF begin the next part.
void MultipartParser::after_delimiter(char c) {
    switch (state_) {
    case State::after_delimiter:
        if (c == '-') {
            state_ = State::close_dash;
            return;
        }
        [[fallthrough]];
    case State::padding:
        if (c == ' ' || c == '\t') state_ = State::padding;
        else if (c == '\r') state_ = State::delimiter_lf;
        else fail_delimiter("is followed by " + detail::describe(c) + ", not CRLF or '--'");
        return;
    case State::delimiter_lf:
        if (c != '\n') fail_delimiter("has a CR followed by " + detail::describe(c) + ", not LF");
        begin_headers();
        return;
    case State::close_dash:
        if (c != '-') fail_delimiter("is followed by '-' and " + detail::describe(c) + ", not '--'");
        state_ = State::epilogue;
        return;
    default:
        return;
    }
}

void MultipartParser::begin_headers() {
    if (++part_ > limits_.max_parts)
        throw FormError(413, "multipart body has more than " + std::to_string(limits_.max_parts) + " parts");
    head_bytes_.clear();
    part_size_ = 0;
    state_ = State::headers;
}

// Collects header lines until the empty one; the block is parsed as a whole, then the part's
// content begins.
void MultipartParser::read_headers(std::string_view& in, MultipartSink& sink) {
    while (!in.empty()) {
        auto const lf = in.find('\n');
        std::size_t const take = lf == std::string_view::npos ? in.size() : lf + 1;
        if (take > limits_.max_part_header_bytes - head_bytes_.size())
            throw FormError(413, "multipart part " + std::to_string(part_) + ": headers are larger than " +
                                     std::to_string(limits_.max_part_header_bytes) + " bytes");
        head_bytes_.append(in.substr(0, take));
        in.remove_prefix(take);
        if (lf == std::string_view::npos) return;
        if (head_bytes_ == "\r\n" || head_bytes_.ends_with("\r\n\r\n")) {
            head_bytes_.resize(head_bytes_.size() - 2);
            head_ = detail::parse_part_head(head_bytes_, part_);
            state_ = State::body;
            held_ = 2;   // a part may be empty: its header block's CRLF then begins the delimiter
            held_virtual_ = true;
            sink.part_begin(head_);
            return;
        }
    }
}

void MultipartParser::fail_delimiter(std::string const& what) const {
    std::string const where = part_ == 0 ? "before part 1" : "after part " + std::to_string(part_);
    throw FormError(400, "multipart delimiter line " + where + " " + what);
}

std::string boundary_from_content_type(std::string_view content_type) {
    detail::HeaderValue const parsed = detail::parse_header_value(content_type, "Content-Type");
    std::string const* boundary = parsed.param("boundary");
    if (!boundary) throw FormError(400, "Content-Type " + detail::to_lower(parsed.value) + " has no boundary parameter");
    check_boundary(*boundary);
    return *boundary;
}

}  // namespace tern::forms
