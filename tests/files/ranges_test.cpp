#include <tern/files/ranges.hpp>

#include <doctest/doctest.h>

#include <string_view>

using namespace tern::files;

namespace {

constexpr std::string_view etag = "\"3e8-1-2a\"";
constexpr std::int64_t mtime = 784111777;   // Sun, 06 Nov 1994 08:49:37 GMT

// choose_range for a 1000-byte file, without If-Range.
RangeAnswer of_1000(std::string_view range) { return choose_range(range, 1000, "", etag, mtime); }

bool is_part(RangeAnswer const& a, std::uint64_t first, std::uint64_t length) {
    return a.kind == RangeAnswer::partial && a.range.first == first && a.range.length == length;
}

}  // namespace

TEST_CASE("no Range header means the whole file") {
    CHECK(of_1000("").kind == RangeAnswer::whole);
}

TEST_CASE("a first-last range selects those bytes, both included") {
    CHECK(is_part(of_1000("bytes=0-99"), 0, 100));
    CHECK(is_part(of_1000("bytes=500-500"), 500, 1));
    CHECK(is_part(of_1000("bytes=0-999"), 0, 1000));
}

TEST_CASE("an open range runs to the end of the file") {
    CHECK(is_part(of_1000("bytes=100-"), 100, 900));
    CHECK(is_part(of_1000("bytes=999-"), 999, 1));
}

TEST_CASE("a suffix range selects the last bytes, and all of them when it is longer") {
    CHECK(is_part(of_1000("bytes=-500"), 500, 500));
    CHECK(is_part(of_1000("bytes=-1"), 999, 1));
    CHECK(is_part(of_1000("bytes=-5000"), 0, 1000));
}

TEST_CASE("a last position past the end is clamped to the last byte") {
    CHECK(is_part(of_1000("bytes=900-5000"), 900, 100));
}

TEST_CASE("the unit is case-insensitive and whitespace around list commas is allowed") {
    CHECK(is_part(of_1000("Bytes=0-9"), 0, 10));
    CHECK(is_part(of_1000("BYTES=0-9"), 0, 10));
    CHECK(is_part(of_1000("bytes= 0-9 ,"), 0, 10));
    CHECK(is_part(of_1000(" bytes=0-9 "), 0, 10));
}

TEST_CASE("a range that starts at or past the end is unsatisfiable, and so is an empty suffix") {
    CHECK(of_1000("bytes=1000-").kind == RangeAnswer::unsatisfiable);
    CHECK(of_1000("bytes=1000-2000").kind == RangeAnswer::unsatisfiable);
    CHECK(of_1000("bytes=-0").kind == RangeAnswer::unsatisfiable);
}

TEST_CASE("on an empty file a position range is unsatisfiable and a suffix is the whole file") {
    CHECK(choose_range("bytes=0-0", 0, "", etag, mtime).kind == RangeAnswer::unsatisfiable);
    CHECK(choose_range("bytes=0-", 0, "", etag, mtime).kind == RangeAnswer::unsatisfiable);
    CHECK(choose_range("bytes=-10", 0, "", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=-0", 0, "", etag, mtime).kind == RangeAnswer::unsatisfiable);
}

TEST_CASE("a malformed Range, or one in another unit, is ignored") {
    for (std::string_view bad : {"bytes", "bytes=", "bytes=,", "bytes=abc", "bytes=5", "bytes=-", "bytes=--5",
                                 "bytes=5-4", "bytes=0-9x", "bytes=0 -9", "bytes = 0-9", "bytes=+1-2",
                                 "bytes=0-9;", "items=0-9", "bytesx=0-9", "=0-9", "bytes=0x10-20"}) {
        CAPTURE(bad);
        CHECK(of_1000(bad).kind == RangeAnswer::whole);
    }
}

TEST_CASE("several ranges are answered with the whole file") {
    CHECK(of_1000("bytes=0-9,20-29").kind == RangeAnswer::whole);
    CHECK(of_1000("bytes=0-9, -5").kind == RangeAnswer::whole);
    CHECK(of_1000("bytes=0-0,0-0,0-0,0-0").kind == RangeAnswer::whole);
    CHECK(of_1000("bytes=5000-,6000-").kind == RangeAnswer::whole);
}

TEST_CASE("positions too long for 64 bits neither wrap nor crash") {
    // 2^64 + 5 would wrap to 5.
    CHECK(of_1000("bytes=18446744073709551621-").kind == RangeAnswer::unsatisfiable);
    CHECK(is_part(of_1000("bytes=0-18446744073709551621"), 0, 1000));
    CHECK(is_part(of_1000("bytes=10-99999999999999999999999999"), 10, 990));
    CHECK(is_part(of_1000("bytes=-99999999999999999999999999"), 0, 1000));
    CHECK(is_part(of_1000("bytes=000000000000000000000000010-19"), 10, 10));
    // The order of long positions is compared digit by digit, not after saturating.
    CHECK(of_1000("bytes=99999999999999999999999-99999999999999999999998").kind == RangeAnswer::whole);
    CHECK(of_1000("bytes=99999999999999999999998-99999999999999999999999").kind == RangeAnswer::unsatisfiable);
}

TEST_CASE("a matching If-Range keeps the range: the strong tag itself, or the exact date") {
    CHECK(is_part(choose_range("bytes=0-9", 1000, etag, etag, mtime), 0, 10));
    CHECK(is_part(choose_range("bytes=0-9", 1000, "Sun, 06 Nov 1994 08:49:37 GMT", etag, mtime), 0, 10));
    CHECK(choose_range("bytes=5000-", 1000, etag, etag, mtime).kind == RangeAnswer::unsatisfiable);
}

TEST_CASE("an If-Range that does not match, is weak or is not a validator means the whole file") {
    CHECK(choose_range("bytes=0-9", 1000, "\"other\"", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=0-9", 1000, "W/\"3e8-1-2a\"", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=0-9", 1000, etag, "W/\"3e8-1-2a\"", mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=0-9", 1000, "Sun, 06 Nov 1994 08:49:38 GMT", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=0-9", 1000, "Sun, 06 Nov 1994 08:49:36 GMT", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=0-9", 1000, "\"3e8-1-2a\", \"x\"", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=0-9", 1000, "tomorrow", etag, mtime).kind == RangeAnswer::whole);
    CHECK(choose_range("bytes=5000-", 1000, "\"other\"", etag, mtime).kind == RangeAnswer::whole);
}

TEST_CASE("Content-Range names the bytes sent and the file's size") {
    CHECK(content_range({0, 100}, 1000) == "bytes 0-99/1000");
    CHECK(content_range({999, 1}, 1000) == "bytes 999-999/1000");
    CHECK(unsatisfied_range(1000) == "bytes */1000");
    CHECK(unsatisfied_range(0) == "bytes */0");
}
