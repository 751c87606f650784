#include <tern/forms/multipart.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "forms/part_recorder.hpp"

namespace {

using tern::forms::testing::Outcome;
using tern::forms::testing::parse_in_pieces;
using tern::forms::testing::parse_in_steps;
using tern::forms::testing::parse_whole;

constexpr std::string_view boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

// What a browser sends for a text field and a file, with a file whose content looks like
// framing: CRLFs, "--", the boundary without its CRLF, and a CR before the end.
constexpr std::string_view browser_form =
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "Hello\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"upload\"; filename=\"notes.txt\"\r\n"
    "Content-Type: text/markdown\r\n"
    "\r\n"
    "line one\r\n--\r\n----WebKitFormBoundary7MA4YWxkTrZu0gW\r\n-- not a delimiter\r\n\r"
    "\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";

constexpr std::string_view tricky_content =
    "line one\r\n--\r\n----WebKitFormBoundary7MA4YWxkTrZu0gW\r\n-- not a delimiter\r\n\r";

void check_browser_form(Outcome const& out) {
    REQUIRE(out.error == "");
    CHECK_FALSE(out.events_out_of_order);
    REQUIRE(out.parts.size() == 2);
    CHECK(out.parts[0].head.name == "title");
    CHECK_FALSE(out.parts[0].head.is_file());
    CHECK(out.parts[0].head.content_type == "text/plain");
    CHECK(out.parts[0].data == "Hello");
    CHECK(out.parts[0].ended);
    CHECK(out.parts[1].head.name == "upload");
    CHECK(out.parts[1].head.filename == "notes.txt");
    CHECK(out.parts[1].head.content_type == "text/markdown");
    CHECK(out.parts[1].data == tricky_content);
    CHECK(out.parts[1].ended);
}

}  // namespace

TEST_CASE("a browser's multipart body gives a field and a file whose CRLFs and dashes are content") {
    check_browser_form(parse_whole(browser_form, std::string(boundary)));
}

TEST_CASE("the same body fed one byte at a time gives the same parts") {
    check_browser_form(parse_in_steps(browser_form, std::string(boundary), 1));
}

TEST_CASE("the same body split in two at every offset gives the same parts") {
    for (std::size_t cut = 0; cut <= browser_form.size(); ++cut) {
        CAPTURE(cut);
        check_browser_form(parse_in_pieces(browser_form, std::string(boundary), {}, {cut}));
    }
}

TEST_CASE("the same body split in three at every pair of offsets gives the same parts") {
    for (std::size_t first = 0; first <= browser_form.size(); first += 3)
        for (std::size_t second = first; second <= browser_form.size(); ++second) {
            CAPTURE(first);
            CAPTURE(second);
            check_browser_form(parse_in_pieces(browser_form, std::string(boundary), {}, {first, second}));
        }
}

TEST_CASE("the preamble and the epilogue are ignored, even when they hold boundary-like text") {
    constexpr std::string_view body =
        "This is the preamble. --XYZ is not at the start of a line.\r\n"
        "--XYZ\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "1\r\n"
        "--XYZ--\r\n"
        "epilogue\r\n--XYZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--XYZ--";
    for (std::size_t step : {1, 2, 7, 1000}) {
        auto const out = parse_in_steps(body, "XYZ", step);
        REQUIRE(out.error == "");
        REQUIRE(out.parts.size() == 1);
        CHECK(out.parts[0].data == "1");
    }
}

TEST_CASE("transport padding may follow a delimiter, and the closing delimiter needs no CRLF") {
    constexpr std::string_view body =
        "--b \t \r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "x\r\n"
        "--b\t\r\n"
        "Content-Disposition: form-data; name=\"b\"\r\n"
        "\r\n"
        "y\r\n"
        "--b--";
    auto const out = parse_whole(body, "b");
    REQUIRE(out.error == "");
    REQUIRE(out.parts.size() == 2);
    CHECK(out.parts[0].data == "x");
    CHECK(out.parts[1].data == "y");
}

TEST_CASE("a part may be empty, with or without the CRLF that separates headers from content") {
    constexpr std::string_view body =
        "--b\r\n"
        "Content-Disposition: form-data; name=\"empty\"\r\n"
        "\r\n"
        "\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"bare\"\r\n"
        "\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"after\"\r\n"
        "\r\n"
        "--not the boundary\r\n"
        "--b--\r\n";
    for (std::size_t step : {1, 3, 1000}) {
        auto const out = parse_in_steps(body, "b", step);
        REQUIRE(out.error == "");
        REQUIRE(out.parts.size() == 3);
        CHECK(out.parts[0].data == "");
        CHECK(out.parts[1].data == "");
        CHECK(out.parts[2].data == "--not the boundary");
    }
}

TEST_CASE("a body with only the closing delimiter has no parts") {
    auto const out = parse_whole("--b--\r\n", "b");
    CHECK(out.error == "");
    CHECK(out.parts.empty());
}

TEST_CASE("Content-Disposition parameters are case-insensitive, quoted or not, with quoted-pair escapes") {
    constexpr std::string_view body =
        "--b\r\n"
        "content-disposition: Form-Data; NAME=plain; FileName=\"say \\\"hi\\\" \\\\ bye.txt\"\r\n"
        "CONTENT-TYPE: image/png\r\n"
        "X-Ignored: yes\r\n"
        "\r\n"
        "PNG\r\n"
        "--b--";
    auto const out = parse_whole(body, "b");
    REQUIRE(out.error == "");
    REQUIRE(out.parts.size() == 1);
    CHECK(out.parts[0].head.name == "plain");
    CHECK(out.parts[0].head.filename == "say \"hi\" \\ bye.txt");
    CHECK(out.parts[0].head.content_type == "image/png");
}

TEST_CASE("an empty filename still marks a file part, as browsers send for an empty file input") {
    auto const out = parse_whole("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
                                 "Content-Type: application/octet-stream\r\n\r\n\r\n--b--",
                                 "b");
    REQUIRE(out.parts.size() == 1);
    CHECK(out.parts[0].head.is_file());
    CHECK(out.parts[0].head.filename == "");
}

TEST_CASE("filename* in UTF-8 or ISO-8859-1 wins over filename; another charset is ignored") {
    auto filename_of = [](std::string_view disposition) {
        std::string body = "--b\r\nContent-Disposition: " + std::string(disposition) + "\r\n\r\nx\r\n--b--";
        auto const out = parse_whole(body, "b");
        REQUIRE(out.error == "");
        return out.parts.at(0).head.filename.value_or("<none>");
    };
    CHECK(filename_of("form-data; name=f; filename=\"a.txt\"; filename*=UTF-8''na%C3%AFve%20file.txt") ==
          "na\xc3\xafve file.txt");
    CHECK(filename_of("form-data; name=f; filename*=iso-8859-1'en'%E9t%E9.txt") == "\xc3\xa9t\xc3\xa9.txt");
    CHECK(filename_of("form-data; name=f; filename=\"a.txt\"; filename*=KOI8-R''%C1") == "a.txt");
}
