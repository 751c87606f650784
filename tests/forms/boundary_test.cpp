#include <tern/forms/multipart.hpp>

#include <doctest/doctest.h>

#include <string>

#include <tern/forms/error.hpp>

namespace {

using tern::forms::boundary_from_content_type;
using tern::forms::FormError;

std::string error_of(std::string_view content_type) {
    try {
        boundary_from_content_type(content_type);
    } catch (FormError const& e) {
        CHECK(e.status() == 400);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("the boundary comes from a token or a quoted string, whatever the case of its name") {
    CHECK(boundary_from_content_type("multipart/form-data; boundary=----WebKitFormBoundaryx") == "----WebKitFormBoundaryx");
    CHECK(boundary_from_content_type("multipart/form-data;boundary=\"a b:c=d\"; charset=utf-8") == "a b:c=d");
    CHECK(boundary_from_content_type("Multipart/Form-Data ; BOUNDARY = abc ") == "abc");
}

TEST_CASE("a Content-Type without a boundary says so") {
    CHECK(error_of("multipart/form-data") == "Content-Type multipart/form-data has no boundary parameter");
    CHECK(error_of("Multipart/Form-Data; charset=utf-8") == "Content-Type multipart/form-data has no boundary parameter");
}

TEST_CASE("a boundary outside RFC 2046's 1 to 70 bchars is refused") {
    CHECK(error_of("multipart/form-data; boundary=\"\"") == "multipart boundary is 0 characters long; RFC 2046 allows 1 to 70");
    CHECK(error_of("multipart/form-data; boundary=" + std::string(71, 'x')) ==
          "multipart boundary is 71 characters long; RFC 2046 allows 1 to 70");
    CHECK(boundary_from_content_type("multipart/form-data; boundary=" + std::string(70, 'x')) == std::string(70, 'x'));
    CHECK(error_of("multipart/form-data; boundary=\"a\\\"b\"") == "multipart boundary has the character '\"', which RFC 2046 does not allow");
    CHECK(error_of("multipart/form-data; boundary=\"ab \"") == "multipart boundary ends in a space, which RFC 2046 does not allow");
    CHECK(error_of("multipart/form-data; boundary=\"a\rb\"") == "multipart boundary has the character 0x0d, which RFC 2046 does not allow");
}

TEST_CASE("a malformed parameter list in the Content-Type is a 400 too") {
    CHECK(error_of("multipart/form-data; boundary=\"abc") == "Content-Type has an unterminated quoted string");
}
