#include <tern/forms/multipart.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "forms/part_recorder.hpp"

namespace {

using tern::forms::testing::parse_in_steps;
using tern::forms::testing::parse_whole;

constexpr std::string_view first_part = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";

// The message a body fails with; the same whole and byte by byte, always with status 400.
std::string error_of(std::string_view body) {
    auto const whole = parse_whole(body, "b");
    auto const bytes = parse_in_steps(body, "b", 1);
    CHECK(whole.status == 400);
    CHECK(bytes.status == whole.status);
    CHECK(bytes.error == whole.error);
    return whole.error;
}

std::string second_part_with_headers(std::string_view headers) {
    return std::string(first_part) + "--b\r\n" + std::string(headers) + "\r\n\r\n2\r\n--b--";
}

}  // namespace

TEST_CASE("a body that ends inside a part says the closing boundary is missing") {
    CHECK(error_of("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished") ==
          "multipart body ended before the closing boundary (in part 1)");
    CHECK(error_of(std::string(first_part) + "--b\r\nContent-Disposition: form-data; name=\"x\"") ==
          "multipart body ended before the closing boundary (in part 2)");
    CHECK(error_of(std::string(first_part) + "--b") == "multipart body ended before the closing boundary (in part 1)");
}

TEST_CASE("a body without any delimiter line names the delimiter it looked for") {
    CHECK(error_of("") == "multipart body has no delimiter line '--b'");
    CHECK(error_of("just text, no parts\r\n-b\r\n") == "multipart body has no delimiter line '--b'");
}

TEST_CASE("a header line without a colon names the part") {
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=\"c\"\r\nNoColonHere")) ==
          "multipart part 2: header line without ':'");
}

TEST_CASE("a part without Content-Disposition, or with one that is not form-data, is refused") {
    CHECK(error_of(second_part_with_headers("Content-Type: text/plain")) == "multipart part 2: no Content-Disposition header");
    CHECK(error_of("--b\r\n\r\ncontent\r\n--b--") == "multipart part 1: no Content-Disposition header");
    CHECK(error_of(second_part_with_headers("Content-Disposition: attachment; name=\"c\"")) ==
          "multipart part 2: Content-Disposition is 'attachment', not 'form-data'");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; filename=\"c\"")) ==
          "multipart part 2: Content-Disposition has no name parameter");
}

TEST_CASE("malformed Content-Disposition parameters say what is wrong with them") {
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=\"open")) ==
          "multipart part 2: Content-Disposition has an unterminated quoted string");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name")) ==
          "multipart part 2: Content-Disposition parameter 'name' has no '='");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=a; name=b")) ==
          "multipart part 2: Content-Disposition has the parameter 'name' twice");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; =x")) ==
          "multipart part 2: Content-Disposition has a parameter without a name");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=\"a\" junk")) ==
          "multipart part 2: Content-Disposition has 'j' after parameter 'name'");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=a; filename*=nope")) ==
          "multipart part 2: Content-Disposition filename* is not charset'language'value");
}

TEST_CASE("repeated headers, folded lines, bare CRs and bad header names are refused") {
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b")) ==
          "multipart part 2: more than one Content-Disposition header");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d")) ==
          "multipart part 2: more than one Content-Type header");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data;\r\n name=a")) ==
          "multipart part 2: header line starts with whitespace (line folding is obsolete)");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=a\rX: y")) ==
          "multipart part 2: header line has a bare CR or LF");
    CHECK(error_of(second_part_with_headers("Content-Disposition: form-data; name=a\nX: y")) ==
          "multipart part 2: header line has a bare CR or LF");
    CHECK(error_of(second_part_with_headers("Bad Name: x")) == "multipart part 2: header name 'Bad Name' is not a token");
}

TEST_CASE("a delimiter must be followed by CRLF, padding then CRLF, or '--'") {
    CHECK(error_of(std::string(first_part) + "--bogus\r\n") == "multipart delimiter line after part 1 is followed by 'o', not CRLF or '--'");
    CHECK(error_of(std::string(first_part) + "--b  x\r\n") == "multipart delimiter line after part 1 is followed by 'x', not CRLF or '--'");
    CHECK(error_of(std::string(first_part) + "--b\rX") == "multipart delimiter line after part 1 has a CR followed by 'X', not LF");
    CHECK(error_of(std::string(first_part) + "--b-x") == "multipart delimiter line after part 1 is followed by '-' and 'x', not '--'");
    CHECK(error_of("--b\n") == "multipart delimiter line before part 1 is followed by 0x0a, not CRLF or '--'");
}
