#pragma once
// Byte ranges of a static file (RFC 9110 14): which part of the file a GET with Range and
// If-Range asks for, and the Content-Range values that describe the answer.
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::files {

/// `length` bytes from offset `first`; the ranges choose_range returns are never empty.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t length = 0;
};

/// What to send for a Range request: the whole file (200), one part of it (206, `range`), or
/// nothing (416 Range Not Satisfiable, with Content-Range from unsatisfied_range).
struct RangeAnswer {
    enum Kind { whole, partial, unsatisfiable } kind = whole;
    ByteRange range{};
};

/// Decides how to answer a GET for a file of `size` bytes whose validators are `etag` (strong)
/// and `mtime_sec`, given its Range and If-Range field values ("" when absent). The caller
/// passes "" for Range on methods other than GET: range handling is defined only for GET.
///
/// - `bytes=0-99`, `bytes=100-` and `bytes=-500` (the last 500 bytes) select one part; a last
///   position past the end is clamped to it, and a suffix longer than the file is the whole
///   file. The unit is case-insensitive; positions of any length are read without wrapping.
/// - A first position at or past the end, or a suffix of zero bytes, is unsatisfiable: 416.
///   So is every position range on an empty file; a suffix range on one is answered with the
///   whole (empty) file, since a 206 cannot describe zero bytes.
/// - A malformed header, another unit, or `first > last` is ignored: whole (RFC 9110 14.2).
/// - Several ranges are answered with the whole file too, as RFC 9110 14.2 allows: a
///   multipart/byteranges body would be code few clients exercise, and many small or
///   overlapping ranges are a known way to make a server do much work for little (Apache's
///   CVE-2011-3192).
/// - If-Range (RFC 9110 13.1.5) keeps the range only if it is the strong `etag` itself or
///   exactly the date `mtime_sec`; anything else, a weak tag included, means the client's
///   partial copy is stale: whole.
RangeAnswer choose_range(std::string_view range_header, std::uint64_t size, std::string_view if_range,
                         std::string_view etag, std::int64_t mtime_sec);

/// The Content-Range of a 206: `bytes 0-99/1000`. `range` must be non-empty and within `size`.
std::string content_range(ByteRange range, std::uint64_t size);

/// The Content-Range of a 416: `bytes */1000`.
std::string unsatisfied_range(std::uint64_t size);

}  // namespace tern::files
