// libFuzzer target for the files layer's request validators: Range with If-Range
// (choose_range), HTTP-dates (parse_http_date, http_date) and If-None-Match (none_match,
// not_modified). The input is split at '\n' into a Range value, an If-Range value, an
// If-None-Match value and a date; each is tried against files of several sizes, the empty file
// and the largest sizes included.
#include <tern/files/ranges.hpp>
#include <tern/files/validators.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

namespace {

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

// The next '\n'-terminated part of `in` (the rest, when there is no '\n').
std::string_view next_part(std::string_view& in) {
    auto const newline = in.find('\n');
    std::string_view const part = in.substr(0, newline);
    in.remove_prefix(newline == std::string_view::npos ? in.size() : newline + 1);
    return part;
}

constexpr std::array<std::uint64_t, 7> sizes{0, 1, 2, 100, 1000, std::uint64_t{1} << 63,
                                             std::numeric_limits<std::uint64_t>::max()};
constexpr std::string_view etag = "\"3e8-3b9aca05-2a\"";

void check_range(std::string_view range, std::string_view if_range, std::int64_t mtime) {
    for (std::uint64_t const size : sizes) {
        auto const answer = tern::files::choose_range(range, size, if_range, etag, mtime);
        if (answer.kind == tern::files::RangeAnswer::partial) {
            check(answer.range.length >= 1, "a partial range holds at least one byte");
            check(answer.range.first < size, "a partial range starts inside the file");
            check(answer.range.length <= size - answer.range.first, "a partial range ends inside the file");
            check(tern::files::content_range(answer.range, size).starts_with("bytes "), "Content-Range is bytes");
        }
        if (range.empty()) check(answer.kind == tern::files::RangeAnswer::whole, "no Range is the whole file");
        auto const unconditional = tern::files::choose_range(range, size, "", etag, mtime);
        auto const same_tag = tern::files::choose_range(range, size, etag, etag, mtime);
        check(unconditional.kind == same_tag.kind && unconditional.range.first == same_tag.range.first &&
                  unconditional.range.length == same_tag.range.length,
              "If-Range with the current strong tag changes nothing");
    }
}

void check_date(std::string_view text) {
    auto const parsed = tern::files::parse_http_date(text);
    if (!parsed) return;
    std::string const written = tern::files::http_date(*parsed);
    check(written.size() == 29, "an IMF-fixdate has 29 characters");
    check(tern::files::parse_http_date(written) == parsed, "a written date reads back");
}

void check_none_match(std::string_view if_none_match) {
    bool const strong = tern::files::none_match(if_none_match, etag);
    bool const weak = tern::files::none_match(if_none_match, "W/" + std::string(etag));
    check(strong == weak, "If-None-Match compares weakly");
    if (!if_none_match.empty()) {
        check(tern::files::not_modified(if_none_match, "Sun, 06 Nov 1994 08:49:37 GMT", etag, 0) == strong,
              "If-None-Match alone decides when present");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view in(reinterpret_cast<char const*>(data), size);
    std::string_view const range = next_part(in);
    std::string_view const if_range = next_part(in);
    std::string_view const if_none_match = next_part(in);
    std::string_view const date = next_part(in);
    auto const mtime = tern::files::parse_http_date(date).value_or(0);
    check_range(range, if_range, mtime);
    check_date(date);
    check_date(if_range);
    check_none_match(if_none_match);
    return 0;
}
