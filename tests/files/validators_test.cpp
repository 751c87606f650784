#include <tern/files/validators.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace tern::files;

namespace {

// RFC 9110 5.6.7's example instant, Sun, 06 Nov 1994 08:49:37 GMT.
constexpr std::int64_t rfc_example = 784111777;
// 2025-01-01T00:00:00Z, the "now" the RFC 850 two-digit years are read against.
constexpr std::int64_t now_2025 = 1735689600;

constexpr std::string_view etag = "\"3e8-1-2a\"";

std::optional<std::int64_t> unparsable() { return std::nullopt; }

tern::fs::Stat file_stat() {
    tern::fs::Stat st;
    st.size = 1000;
    st.mtime_sec = 1;
    st.mtime_nsec = 5;
    st.inode = 42;
    st.regular = true;
    return st;
}

}  // namespace

TEST_CASE("the strong ETag is the quoted size, mtime in nanoseconds and inode, in hex") {
    CHECK(strong_etag(file_stat()) == "\"3e8-3b9aca05-2a\"");
}

TEST_CASE("the ETag changes when the size, the mtime or the inode does") {
    auto const original = strong_etag(file_stat());
    auto st = file_stat();
    st.size = 1001;
    CHECK(strong_etag(st) != original);
    st = file_stat();
    st.mtime_nsec = 6;
    CHECK(strong_etag(st) != original);
    st = file_stat();
    st.inode = 43;
    CHECK(strong_etag(st) != original);
}

TEST_CASE("an HTTP date is written as an IMF-fixdate") {
    CHECK(http_date(rfc_example) == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(http_date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST_CASE("times the format cannot write are clamped to its first and last second") {
    CHECK(http_date(INT64_MIN) == "Sat, 01 Jan 0000 00:00:00 GMT");
    CHECK(http_date(INT64_MAX) == "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST_CASE("all three HTTP-date forms are read") {
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == rfc_example);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == rfc_example);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == rfc_example);
    CHECK(parse_http_date("Sun Nov 06 08:49:37 1994") == rfc_example);
}

TEST_CASE("a written date reads back") {
    for (std::int64_t t : {std::int64_t{0}, rfc_example, now_2025, std::int64_t{4102444799}}) {
        CHECK(parse_http_date(http_date(t)) == t);
    }
}

TEST_CASE("an RFC 850 year is the latest one with its digits at most 50 years ahead") {
    CHECK(parse_http_date("Wednesday, 01-Jan-70 00:00:00 GMT", now_2025) == 3155760000);
    CHECK(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT", now_2025) == 946684800);
    CHECK(parse_http_date("Tuesday, 01-Jan-75 00:00:00 GMT", now_2025) == 3313526400);
    CHECK(parse_http_date("Thursday, 01-Jan-76 00:00:00 GMT", now_2025) == 189302400);
}

TEST_CASE("surrounding whitespace is allowed, anything else out of the grammar is not") {
    CHECK(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t") == rfc_example);
    CHECK(parse_http_date("") == unparsable());
    CHECK(parse_http_date("yesterday") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC") == unparsable());
    CHECK(parse_http_date("sun, 06 nov 1994 08:49:37 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 94 08:49:37 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMTx") == unparsable());
    CHECK(parse_http_date("Sun Nov 6 08:49:37 1994") == unparsable());
    CHECK(parse_http_date("Sun, 06-Nov-94 08:49:37 GMT") == unparsable());
    CHECK(parse_http_date("1994-11-06T08:49:37Z") == unparsable());
}

TEST_CASE("impossible dates and times are refused, a leap second is not") {
    CHECK(parse_http_date("Fri, 31 Feb 2023 00:00:00 GMT") == unparsable());
    CHECK(parse_http_date("Tue, 29 Feb 2023 00:00:00 GMT") == unparsable());
    CHECK(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT").has_value());
    CHECK(parse_http_date("Sun, 00 Nov 1994 08:49:37 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:60:00 GMT") == unparsable());
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:61 GMT") == unparsable());
    CHECK(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT") == 1483228800);
}

TEST_CASE("If-None-Match matches its tag, weakly, anywhere in a list") {
    CHECK(none_match("\"3e8-1-2a\"", etag));
    CHECK(none_match("W/\"3e8-1-2a\"", etag));
    CHECK(none_match("\"3e8-1-2a\"", "W/\"3e8-1-2a\""));
    CHECK(none_match("\"old\", \"3e8-1-2a\"", etag));
    CHECK(none_match("\"old\",W/\"3e8-1-2a\" , \"older\"", etag));
    CHECK(none_match("  \"old\" ,, \"3e8-1-2a\"  ", etag));
}

TEST_CASE("If-None-Match: * matches any file that exists") {
    CHECK(none_match("*", etag));
    CHECK(none_match(" * ", etag));
}

TEST_CASE("If-None-Match without our tag, or malformed, matches nothing") {
    CHECK_FALSE(none_match("\"other\"", etag));
    CHECK_FALSE(none_match("\"3e8-1-2a", etag));
    CHECK_FALSE(none_match("3e8-1-2a", etag));
    CHECK_FALSE(none_match("\"3E8-1-2A\"", etag));
    CHECK_FALSE(none_match("\"3e8-1-2a\" \"other\"", etag));
    CHECK_FALSE(none_match("\"3e8-1-2a\", junk", etag));
    CHECK_FALSE(none_match("*, \"3e8-1-2a\"", etag));
    CHECK_FALSE(none_match("w/\"3e8-1-2a\"", etag));
    CHECK_FALSE(none_match("", etag));
    CHECK_FALSE(none_match(" , ", etag));
}

TEST_CASE("a conditional GET is 304 when If-None-Match matches") {
    CHECK(not_modified("\"3e8-1-2a\"", "", etag, rfc_example));
    CHECK_FALSE(not_modified("\"other\"", "", etag, rfc_example));
}

TEST_CASE("If-None-Match alone decides when present, whatever If-Modified-Since says") {
    CHECK_FALSE(not_modified("\"other\"", "Sun, 06 Nov 1994 08:49:37 GMT", etag, rfc_example));
    CHECK(not_modified("\"3e8-1-2a\"", "Thu, 01 Jan 1970 00:00:00 GMT", etag, rfc_example));
}

TEST_CASE("without If-None-Match, If-Modified-Since is 304 unless the file is newer, to the second") {
    CHECK(not_modified("", "Sun, 06 Nov 1994 08:49:37 GMT", etag, rfc_example));
    CHECK(not_modified("", "Sun, 06 Nov 1994 08:49:38 GMT", etag, rfc_example));
    CHECK_FALSE(not_modified("", "Sun, 06 Nov 1994 08:49:36 GMT", etag, rfc_example));
    CHECK(not_modified("", "Sunday, 06-Nov-94 08:49:37 GMT", etag, rfc_example));
}

TEST_CASE("an unparsable If-Modified-Since is ignored, and no condition means no 304") {
    CHECK_FALSE(not_modified("", "last week", etag, rfc_example));
    CHECK_FALSE(not_modified("", "", etag, rfc_example));
}
