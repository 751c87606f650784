#include <tern/forms/multipart.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "forms/part_recorder.hpp"

namespace {

using tern::forms::FormLimits;
using tern::forms::testing::Outcome;
using tern::forms::testing::parse_in_steps;
using tern::forms::testing::parse_whole;

std::string field(std::string_view name, std::string_view value) {
    return "--b\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" + std::string(value) + "\r\n";
}

std::string file(std::string_view name, std::string_view content) {
    return "--b\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"; filename=\"f.bin\"\r\n\r\n" +
           std::string(content) + "\r\n";
}

// Parses whole and byte by byte, checks both agree, and returns the whole outcome.
Outcome parse_both_ways(std::string const& body, FormLimits const& limits) {
    auto whole = parse_whole(body, "b", limits);
    auto const bytes = parse_in_steps(body, "b", 1, limits);
    CHECK(bytes.status == whole.status);
    CHECK(bytes.error == whole.error);
    return whole;
}

}  // namespace

TEST_CASE("a field at max_field_size passes and one byte more is a 413 naming the field") {
    FormLimits limits;
    limits.max_field_size = 8;
    CHECK(parse_both_ways(field("bio", "12345678") + "--b--", limits).status == 0);
    auto const out = parse_both_ways(field("bio", "123456789") + "--b--", limits);
    CHECK(out.status == 413);
    CHECK(out.error == "field 'bio' is larger than 8 bytes");
}

TEST_CASE("the sink never sees a byte of a field past its limit") {
    FormLimits limits;
    limits.max_field_size = 8;
    auto const out = parse_in_steps(field("bio", "123456789") + "--b--", "b", 1, limits);
    REQUIRE(out.parts.size() == 1);
    CHECK(out.parts[0].data == "12345678");
}

TEST_CASE("file parts are bounded by max_file_size, not max_field_size") {
    FormLimits limits;
    limits.max_field_size = 4;
    limits.max_file_size = 10;
    CHECK(parse_both_ways(file("doc", "0123456789") + "--b--", limits).status == 0);
    auto const out = parse_both_ways(file("doc", "0123456789A") + "--b--", limits);
    CHECK(out.status == 413);
    CHECK(out.error == "file 'doc' is larger than 10 bytes");
}

TEST_CASE("more parts than max_parts is a 413") {
    FormLimits limits;
    limits.max_parts = 2;
    CHECK(parse_both_ways(field("a", "1") + field("b", "2") + "--b--", limits).status == 0);
    auto const out = parse_both_ways(field("a", "1") + field("b", "2") + field("c", "3") + "--b--", limits);
    CHECK(out.status == 413);
    CHECK(out.error == "multipart body has more than 2 parts");
}

TEST_CASE("a header block past max_part_header_bytes is a 413, a malformed one a 400") {
    FormLimits limits;
    std::string const disposition = "Content-Disposition: form-data; name=\"a\"\r\n";
    limits.max_part_header_bytes = disposition.size() + 2;   // the block and its empty line
    std::string const fits = "--b\r\n" + disposition + "\r\nv\r\n--b--";
    CHECK(parse_both_ways(fits, limits).status == 0);
    std::string const too_long = "--b\r\nX: 1\r\n" + disposition + "\r\nv\r\n--b--";
    auto const out = parse_both_ways(too_long, limits);
    CHECK(out.status == 413);
    CHECK(out.error == "multipart part 1: headers are larger than " + std::to_string(limits.max_part_header_bytes) + " bytes");
    CHECK(parse_both_ways("--b\r\nno colon\r\n\r\nv\r\n--b--", limits).status == 400);
}

TEST_CASE("headers that never end are stopped by the header limit, not buffered") {
    FormLimits limits;
    limits.max_part_header_bytes = 64;
    std::string body = "--b\r\n" + std::string(10'000, 'h');
    CHECK(parse_in_steps(body, "b", 1, limits).status == 413);
}
