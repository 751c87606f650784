#include <tern/files/ranges.hpp>

#include <algorithm>
#include <cassert>
#include <limits>
#include <optional>

#include <tern/files/validators.hpp>

#include "text.hpp"

namespace tern::files {

namespace {

// One range-spec, its positions as the digits the client sent. A suffix range has only `last`.
struct RangeSpec {
    bool suffix = false;
    std::string_view first;
    std::string_view last;
};

std::string_view without_leading_zeros(std::string_view digits) noexcept {
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    return digits;
}

// a < b for decimal digit strings of any length, so that no position is compared after wrapping.
bool decimal_less(std::string_view a, std::string_view b) noexcept {
    a = without_leading_zeros(a);
    b = without_leading_zeros(b);
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// The value of a digit string, or the largest uint64 when it does not fit: every such position
// is past the end of any file, and every such suffix covers all of it.
std::uint64_t saturated(std::string_view digits) noexcept {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    for (char c : digits) {
        auto const digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max - digit) / 10) return max;
        value = value * 10 + digit;
    }
    return value;
}

bool is_bytes_unit(std::string_view unit) noexcept {
    constexpr std::string_view bytes = "bytes";
    return unit.size() == bytes.size() && std::equal(unit.begin(), unit.end(), bytes.begin(), [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
}

// range-spec = int-range / suffix-range (RFC 9110 14.1.1); an int-range's last, when given,
// must not be before its first.
std::optional<RangeSpec> read_range_spec(Cursor& in) {
    RangeSpec spec;
    if (in.literal("-")) {
        spec.suffix = true;
        spec.last = in.digit_run();
        return spec.last.empty() ? std::nullopt : std::optional(spec);
    }
    spec.first = in.digit_run();
    if (spec.first.empty() || !in.literal("-")) return std::nullopt;
    spec.last = in.digit_run();
    if (!spec.last.empty() && decimal_less(spec.last, spec.first)) return std::nullopt;
    return spec;
}

// The only range of a `bytes=` range-set, or nullopt when the header is to be ignored:
// malformed, another unit, no range, or more than one.
std::optional<RangeSpec> single_range(std::string_view header) {
    header = trim_ows(header);
    auto const equals = header.find('=');
    if (equals == std::string_view::npos || !is_bytes_unit(header.substr(0, equals))) return std::nullopt;
    Cursor in{header.substr(equals + 1)};
    std::optional<RangeSpec> only;
    while (in.skip_list_separators()) {
        auto spec = read_range_spec(in);
        if (!spec || only) return std::nullopt;
        only = spec;
        in.skip_ows();
        if (!in.empty() && !in.literal(",")) return std::nullopt;
    }
    return only;
}

RangeAnswer part(std::uint64_t first, std::uint64_t length) {
    return {RangeAnswer::partial, {first, length}};
}

RangeAnswer answer(RangeSpec const& spec, std::uint64_t size) {
    if (spec.suffix) {
        std::uint64_t const length = saturated(spec.last);
        if (length == 0) return {RangeAnswer::unsatisfiable, {}};
        if (size == 0) return {RangeAnswer::whole, {}};
        return part(size - std::min(length, size), std::min(length, size));
    }
    std::uint64_t const first = saturated(spec.first);
    if (first >= size) return {RangeAnswer::unsatisfiable, {}};
    std::uint64_t const last = spec.last.empty() ? size - 1 : std::min(saturated(spec.last), size - 1);
    return part(first, last - first + 1);
}

// If-Range: an entity tag must match `etag` strongly, a date must be the file's exact mtime.
bool if_range_holds(std::string_view if_range, std::string_view etag, std::int64_t mtime_sec) {
    if_range = trim_ows(if_range);
    if (if_range.empty()) return true;
    if (if_range.starts_with('"') || if_range.starts_with("W/")) {
        Cursor in{if_range};
        auto const tag = in.entity_tag();
        return tag && in.empty() && !tag->starts_with("W/") && !etag.starts_with("W/") && *tag == etag;
    }
    auto const date = parse_http_date(if_range);
    return date && *date == mtime_sec;
}

}  // namespace

RangeAnswer choose_range(std::string_view range_header, std::uint64_t size, std::string_view if_range,
                         std::string_view etag, std::int64_t mtime_sec) {
    if (range_header.empty() || !if_range_holds(if_range, etag, mtime_sec)) return {RangeAnswer::whole, {}};
    auto const spec = single_range(range_header);
    if (!spec) return {RangeAnswer::whole, {}};
    return answer(*spec, size);
}

std::string content_range(ByteRange range, std::uint64_t size) {
    assert(range.length > 0 && range.first + range.length <= size);
    return "bytes " + std::to_string(range.first) + '-' + std::to_string(range.first + range.length - 1) + '/' +
           std::to_string(size);
}

std::string unsatisfied_range(std::uint64_t size) {
    return "bytes */" + std::to_string(size);
}

}  // namespace tern::files
