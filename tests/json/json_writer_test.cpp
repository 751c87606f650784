#include <tern/json/writer.hpp>

#include <tern/json/dump.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace json = tern::json;
using namespace std::string_literals;

namespace {

std::string quoted(std::string_view text) {
    std::string out;
    json::detail::write_string(out, text);
    return out;
}

}  // namespace

TEST_CASE("every control character is escaped, the short forms where JSON has them") {
    std::string const expected[32] = {
        R"("\u0000")", R"("\u0001")", R"("\u0002")", R"("\u0003")", R"("\u0004")", R"("\u0005")", R"("\u0006")", R"("\u0007")",
        R"("\b")",     R"("\t")",     R"("\n")",     R"("\u000b")", R"("\f")",     R"("\r")",     R"("\u000e")", R"("\u000f")",
        R"("\u0010")", R"("\u0011")", R"("\u0012")", R"("\u0013")", R"("\u0014")", R"("\u0015")", R"("\u0016")", R"("\u0017")",
        R"("\u0018")", R"("\u0019")", R"("\u001a")", R"("\u001b")", R"("\u001c")", R"("\u001d")", R"("\u001e")", R"("\u001f")",
    };
    for (int c = 0; c < 32; ++c) {
        CAPTURE(c);
        CHECK(quoted(std::string(1, static_cast<char>(c))) == expected[c]);
    }
}

TEST_CASE("quotes and backslashes are escaped and other ASCII is copied") {
    CHECK(quoted(R"(say "hi" \o/)") == R"("say \"hi\" \\o/")");
    CHECK(quoted("a/b\x7f") == "\"a/b\x7f\"");
    CHECK(quoted("") == R"("")");
    CHECK(quoted("plain text") == R"("plain text")");
}

TEST_CASE("a byte that needs escaping is found wherever it sits, in strings of every length") {
    // Strings are scanned 16 or 8 bytes at a time, the last part overlapping what came before:
    // each special byte is tried at every offset of strings from 1 to 40 bytes long, between
    // bytes that must be copied as they are (DEL and '~' included).
    struct Case {
        std::string_view raw;
        std::string_view written;
    };
    Case const cases[] = {{"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {std::string_view("\0", 1), "\\u0000"},
                          {"\x1f", "\\u001f"}, {"\xC3\xA9", "\xC3\xA9"}, {"\xE2\x80\xA8", "\\u2028"}};
    for (std::size_t length = 1; length <= 40; ++length) {
        CHECK(quoted(std::string(length, '~')) == "\"" + std::string(length, '~') + "\"");
        for (Case const& c : cases) {
            for (std::size_t at = 0; at < length; ++at) {
                std::string const before(at, '~');
                std::string const after(length - at - 1, '\x7f');
                CAPTURE(length);
                CAPTURE(at);
                CHECK(quoted(before + std::string(c.raw) + after) == "\"" + before + std::string(c.written) + after + "\"");
            }
        }
    }
}

TEST_CASE("valid UTF-8 is copied as is, surrogate pairs' code points included") {
    CHECK(quoted("caf\xC3\xA9") == "\"caf\xC3\xA9\"");                // é, two bytes
    CHECK(quoted("\xE2\x82\xAC 5") == "\"\xE2\x82\xAC 5\"");          // €, three bytes
    CHECK(quoted("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\"");      // U+1F600, a surrogate pair in UTF-16
    CHECK(quoted("\xF4\x8F\xBF\xBF") == "\"\xF4\x8F\xBF\xBF\"");      // U+10FFFF, the last code point
}

TEST_CASE("line and paragraph separators are escaped so the output can sit in a script") {
    CHECK(quoted("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c") == R"("a\u2028b\u2029c")");
    CHECK(quoted("\xE2\x80\xA7") == "\"\xE2\x80\xA7\"");  // U+2027 is an ordinary character
}

TEST_CASE("invalid UTF-8 is refused, never emitted") {
    char const* const invalid[] = {
        "\x80",              // a continuation byte alone
        "\xC0\xAF",          // an overlong '/'
        "\xC1\xBF",          // an overlong two-byte form
        "\xC3",              // a truncated two-byte sequence
        "\xE2\x82",          // a truncated three-byte sequence
        "\xE0\x80\xAF",      // an overlong three-byte form
        "\xED\xA0\x80",      // a UTF-16 surrogate, U+D800
        "\xF0\x8F\xBF\xBF",  // an overlong four-byte form
        "\xF4\x90\x80\x80",  // past U+10FFFF
        "\xF8\x88\x80\x80",  // a five-byte lead
        "\xFF",
        "ok\xC3(",           // a lead followed by ASCII
    };
    for (char const* text : invalid) {
        CAPTURE(text);
        CHECK_THROWS_AS(quoted(text), json::DumpError);
    }
    CHECK_THROWS_WITH(quoted("ab\xFF"), "string is not valid UTF-8 (byte 2 of the string)");
}

TEST_CASE("a failed dump leaves the caller's buffer as it was") {
    std::string out = "HTTP/1.1 200 OK\r\n\r\n";
    std::vector<std::string> const strings = {"fine", "bad\xFF"};
    CHECK_THROWS_AS(json::dump_to(out, strings), json::DumpError);
    CHECK(out == "HTTP/1.1 200 OK\r\n\r\n");
    json::dump_to(out, std::vector<std::string>{"fine"});
    CHECK(out == "HTTP/1.1 200 OK\r\n\r\n[\"fine\"]");
}

TEST_CASE("doubles are written in their shortest round-trip form and stay doubles") {
    CHECK(json::dump(0.1) == "0.1");
    CHECK(json::dump(1e300) == "1e+300");
    CHECK(json::dump(5e-324) == "5e-324");
    CHECK(json::dump(-0.0) == "-0.0");
    CHECK(json::dump(1.0) == "1.0");
    CHECK(json::dump(-2.5) == "-2.5");
    CHECK(json::dump(123456789012.0) == "123456789012.0");
    CHECK(json::dump(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
    CHECK(json::dump(0.1f) == "0.1");
    CHECK(json::dump(3.0f) == "3.0");
}

TEST_CASE("NaN and infinities are refused") {
    CHECK_THROWS_AS(json::dump(std::numeric_limits<double>::quiet_NaN()), json::DumpError);
    CHECK_THROWS_AS(json::dump(std::numeric_limits<double>::infinity()), json::DumpError);
    CHECK_THROWS_WITH(json::dump(-std::numeric_limits<double>::infinity()), "-inf has no JSON form");
    CHECK_THROWS_AS(json::dump(std::numeric_limits<float>::quiet_NaN()), json::DumpError);
}

TEST_CASE("integers are exact at the extremes of every width") {
    CHECK(json::dump(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
    CHECK(json::dump(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
    CHECK(json::dump(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
    CHECK(json::dump(std::int8_t{-128}) == "-128");
    CHECK(json::dump(std::uint8_t{255}) == "255");
    CHECK(json::dump(0) == "0");
    CHECK(json::dump(true) == "true");
    CHECK(json::dump(nullptr) == "null");
}

TEST_CASE("the writer puts commas between values at every level") {
    std::string out;
    json::Writer writer(out);
    writer.begin_object();
    writer.key("a");
    writer.begin_array();
    writer.value(1);
    writer.begin_object();
    writer.end_object();
    writer.begin_array();
    writer.end_array();
    writer.value("x");
    writer.end_array();
    writer.key("we\"ird");
    writer.null();
    writer.quoted_key(R"("b":)");
    writer.value(false);
    writer.end_object();
    CHECK(out == R"({"a":[1,{},[],"x"],"we\"ird":null,"b":false})");
}
