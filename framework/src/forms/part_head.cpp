#include "part_head.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <tern/forms/error.hpp>

#include "header_value.hpp"
#include "percent.hpp"

namespace tern::forms::detail {

namespace {

class PartHeadReader {
public:
    explicit PartHeadReader(std::size_t part) : prefix_("multipart part " + std::to_string(part) + ":") {}

    void line(std::string_view line) {
        if (line.empty()) fail("empty header line inside the header block");
        if (line.find_first_of("\r\n") != std::string_view::npos) fail("header line has a bare CR or LF");
        if (line.front() == ' ' || line.front() == '\t') fail("header line starts with whitespace (line folding is obsolete)");
        auto const colon = line.find(':');
        if (colon == std::string_view::npos) fail("header line without ':'");
        std::string_view const name = line.substr(0, colon);
        if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar))
            fail("header name '" + std::string(name) + "' is not a token");
        std::string_view const value = trim(line.substr(colon + 1));
        if (iequals(name, "content-disposition")) disposition(value);
        else if (iequals(name, "content-type")) content_type(value);
    }

    PartHead finish() {
        if (!seen_disposition_) fail("no Content-Disposition header");
        if (!seen_name_) fail("Content-Disposition has no name parameter");
        return std::move(head_);
    }

private:
    void disposition(std::string_view value) {
        if (std::exchange(seen_disposition_, true)) fail("more than one Content-Disposition header");
        HeaderValue const parsed = parse_header_value(value, prefix_ + " Content-Disposition");
        if (!iequals(parsed.value, "form-data"))
            fail("Content-Disposition is '" + std::string(parsed.value) + "', not 'form-data'");
        if (std::string const* name = parsed.param("name")) {
            head_.name = *name;
            seen_name_ = true;
        }
        if (std::string const* filename = parsed.param("filename")) head_.filename = *filename;
        if (std::string const* extended = parsed.param("filename*")) extended_filename(*extended);
    }

    // RFC 8187: charset'language'percent-encoded. UTF-8 and ISO-8859-1 (the two RFC 8187 lets
    // senders use) become UTF-8; another charset is ignored, leaving filename as it was.
    void extended_filename(std::string_view value) {
        auto const first = value.find('\'');
        auto const second = first == std::string_view::npos ? first : value.find('\'', first + 1);
        if (second == std::string_view::npos) fail("Content-Disposition filename* is not charset'language'value");
        std::string bytes;
        if (percent_decode(value.substr(second + 1), bytes, false) != std::string_view::npos)
            fail("Content-Disposition filename* has a malformed %-escape");
        std::string_view const charset = value.substr(0, first);
        if (iequals(charset, "utf-8")) head_.filename = std::move(bytes);
        else if (iequals(charset, "iso-8859-1")) head_.filename = latin1_to_utf8(bytes);
    }

    static std::string latin1_to_utf8(std::string_view bytes) {
        std::string out;
        for (char c : bytes) {
            auto const byte = static_cast<unsigned char>(c);
            if (byte < 0x80) {
                out.push_back(c);
            } else {
                out.push_back(static_cast<char>(0xc0 | (byte >> 6)));
                out.push_back(static_cast<char>(0x80 | (byte & 0x3f)));
            }
        }
        return out;
    }

    void content_type(std::string_view value) {
        if (std::exchange(seen_content_type_, true)) fail("more than one Content-Type header");
        head_.content_type = std::string(value);
    }

    [[noreturn]] void fail(std::string const& what) const { throw FormError(400, prefix_ + " " + what); }

    std::string prefix_;
    PartHead head_;
    bool seen_disposition_ = false;
    bool seen_name_ = false;   // checked at the end, so that a broken later line is named first
    bool seen_content_type_ = false;
};

}  // namespace

PartHead parse_part_head(std::string_view block, std::size_t part) {
    PartHeadReader reader(part);
    while (!block.empty()) {
        auto const end = std::min(block.find("\r\n"), block.size());   // the parser ends it in CRLF
        reader.line(block.substr(0, end));
        block.remove_prefix(std::min(end + 2, block.size()));
    }
    return reader.finish();
}

}  // namespace tern::forms::detail
