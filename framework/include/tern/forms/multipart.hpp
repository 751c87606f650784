#pragma once
// multipart/form-data (RFC 7578 on RFC 2046's framing) as a push parser: bytes in, part events
// out, no I/O and no buffering of part contents. read_form.hpp builds a Form on top of it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <tern/forms/limits.hpp>

namespace tern::forms {

/// What a part's headers say about it.
struct PartHead {
    /// Content-Disposition's name parameter: the form field this part belongs to.
    std::string name;
    /// Content-Disposition's filename (or a decodable filename*, which wins). Present, possibly
    /// empty, exactly for file parts: a browser sends filename="" for a file input left empty.
    /// It comes from the client: never use it as a path.
    std::optional<std::string> filename;
    /// The part's Content-Type, as sent; "text/plain" when absent (RFC 7578 4.4).
    std::string content_type = "text/plain";

    bool is_file() const noexcept { return filename.has_value(); }
};

/// Receives the parts a MultipartParser finds, in order: part_begin, any number of part_data,
/// part_end, then the next part. A FormError thrown from a callback propagates out of feed()
/// (that is how read_form enforces its own limits).
class MultipartSink {
public:
    /// `head` is valid only during the call.
    virtual void part_begin(PartHead const& head) = 0;
    /// The next of the current part's bytes: never empty, split wherever the chunks and the
    /// parser happened to split them. The view is valid only during the call.
    virtual void part_data(std::string_view bytes) = 0;
    virtual void part_end() = 0;

protected:
    ~MultipartSink() = default;
};

/// Splits a multipart body into parts as its bytes arrive, in chunks of any size: a delimiter
/// split across feeds is found like any other. The preamble and the epilogue are ignored, and
/// transport padding (spaces, tabs) may follow a delimiter. Memory is one header block (at
/// most limits.max_part_header_bytes) and the delimiter; part contents pass straight through.
/// The parser enforces max_parts, max_part_header_bytes, max_field_size (parts without a
/// filename) and max_file_size (parts with one): the sink never sees bytes past a limit.
/// Malformed input throws FormError 400 naming the part, e.g.
/// `multipart part 3: header line without ':'`; a limit throws 413. After any exception,
/// from the parser or from the sink, the parser must not be fed again.
class MultipartParser {
public:
    /// `boundary` as boundary_from_content_type returns it (without the leading "--").
    MultipartParser(std::string boundary, FormLimits const& limits);

    /// Parses the next bytes of the body, calling `sink` for what they complete. Bytes after
    /// the closing delimiter are ignored.
    void feed(std::string_view bytes, MultipartSink& sink);
    /// Says the body has ended: throws FormError 400 unless the closing delimiter was seen.
    void finish() const;

    /// True once the closing delimiter has been parsed.
    bool done() const noexcept { return state_ == State::epilogue; }
    /// The parts begun so far.
    std::size_t parts() const noexcept { return part_; }

private:
    enum class State { preamble, after_delimiter, padding, delimiter_lf, close_dash, headers, body, epilogue };

    bool scan_for_delimiter(std::string_view& in, MultipartSink& sink);
    void release_held(std::size_t count, MultipartSink& sink);
    void emit(std::string_view bytes, MultipartSink& sink);
    void after_delimiter(char c);
    void begin_headers();
    void read_headers(std::string_view& in, MultipartSink& sink);
    [[noreturn]] void fail_delimiter(std::string const& what) const;

    std::string delimiter_;   // "\r\n--" + boundary
    FormLimits limits_;
    State state_ = State::preamble;
    // How many bytes of delimiter_ end the input so far without being a whole delimiter yet.
    // They are not passed on until the next bytes show whether a delimiter follows.
    std::size_t held_ = 2;
    // The held bytes begin with a CRLF that is not in the input: the one a body that starts
    // with "--boundary" (no preamble), or a part without content, shares with what precedes.
    bool held_virtual_ = true;
    std::size_t part_ = 0;            // the current part's number, from 1
    std::string head_bytes_;          // the current part's header block, while it arrives
    PartHead head_;
    std::size_t part_size_ = 0;       // content bytes of the current part so far
};

/// The boundary parameter of a multipart Content-Type (quoted or a token), checked against
/// RFC 2046: 1 to 70 characters from its bchars, not ending in a space. The media type itself
/// is not checked. Throws FormError 400, e.g.
/// `Content-Type multipart/form-data has no boundary parameter`.
std::string boundary_from_content_type(std::string_view content_type);

}  // namespace tern::forms
