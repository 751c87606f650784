#pragma once
// The validators of a static file and the conditional GET built on them (RFC 9110 8.8, 13):
// its ETag, its Last-Modified date, and whether a request's If-None-Match or If-Modified-Since
// lets the server answer 304 Not Modified.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tern/core/file.hpp>

namespace tern::files {

/// A strong entity tag for the file `st` describes, quoted, e.g. `"3e8-17f1c2a4b8e2d000-2a41"`:
/// its size, its modification time in nanoseconds and its inode, in hex. Any write changes the
/// mtime, and replacing the file (a deploy's rename) changes the inode, so equal tags mean the
/// same bytes in practice, as with nginx's and Apache's tags.
std::string strong_etag(fs::Stat const& st);

/// `unix_seconds` as an IMF-fixdate (RFC 9110 5.6.7), the only form a server may send:
/// `Sun, 06 Nov 1994 08:49:37 GMT`. Times outside the years 0000-9999, which the format cannot
/// write, are clamped to its first or last second.
std::string http_date(std::int64_t unix_seconds);

/// Parses any of the three HTTP-date forms a recipient must accept (RFC 9110 5.6.7):
/// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime `Sun Nov  6 08:49:37 1994`. Returns the Unix time, or nullopt for anything else,
/// an impossible date (31 Feb) included. The day name is checked for spelling but not against
/// the date, as most servers do. RFC 850's two-digit year is read as the latest year with
/// those digits that is at most 50 years after `now_unix_seconds`'s year.
std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now_unix_seconds);

/// parse_http_date against the current time.
std::optional<std::int64_t> parse_http_date(std::string_view text);

/// Whether an If-None-Match field value matches `etag` (RFC 9110 13.1.2): `*`, or a
/// comma-separated list of entity tags one of which equals `etag` by the weak comparison
/// (a `W/` prefix on either side is ignored). A malformed list matches nothing, so the client
/// gets the full response rather than a 304 it did not ask for.
bool none_match(std::string_view if_none_match, std::string_view etag) noexcept;

/// Whether a GET or HEAD may be answered 304 Not Modified, in RFC 9110 13.2.2's order: when
/// If-None-Match is present, it alone decides (a match is 304); otherwise If-Modified-Since
/// does, when it holds a valid HTTP-date: 304 when the file's `mtime_sec` is not later than it
/// (Last-Modified has only second precision, so a sub-second mtime must not count as newer).
/// An empty view means the field is absent. The caller applies it to GET and HEAD only.
bool not_modified(std::string_view if_none_match, std::string_view if_modified_since, std::string_view etag,
                  std::int64_t mtime_sec);

}  // namespace tern::files
