#include <tern/forms/urlencoded.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/forms/error.hpp>

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using tern::forms::FormError;
using tern::forms::FormLimits;
using tern::forms::parse_urlencoded;

Pairs parse(std::string_view body, FormLimits const& limits = {}) { return parse_urlencoded(body, limits); }

// The status and the message of the FormError that parsing `body` throws.
std::pair<int, std::string> failure(std::string_view body, FormLimits const& limits = {}) {
    try {
        parse(body, limits);
    } catch (FormError const& e) {
        return {e.status(), e.what()};
    }
    return {0, "no error"};
}

}  // namespace

TEST_CASE("an urlencoded body becomes its name/value pairs in order, duplicates kept") {
    CHECK(parse("a=1&b=2&a=3") == Pairs{{"a", "1"}, {"b", "2"}, {"a", "3"}});
}

TEST_CASE("plus is a space and percent-escapes are bytes, in names and values alike") {
    CHECK(parse("first+name=J%C3%BCrgen+M%2b&x%3Dy=a%26b") ==
          Pairs{{"first name", "J\xc3\xbcrgen M+"}, {"x=y", "a&b"}});
}

TEST_CASE("a pair without '=' has an empty value, and empty pairs are skipped") {
    CHECK(parse("flag&&b=&=v&") == Pairs{{"flag", ""}, {"b", ""}, {"", "v"}});
    CHECK(parse("").empty());
    CHECK(parse("&&&").empty());
}

TEST_CASE("only the first '=' separates the name from the value") {
    CHECK(parse("eq=a=b") == Pairs{{"eq", "a=b"}});
}

TEST_CASE("a malformed percent-escape is a 400 that gives its byte offset") {
    CHECK(failure("a=%zz") == std::pair<int, std::string>{400, "urlencoded body has a malformed %-escape at byte 2"});
    CHECK(failure("ok=1&b=%4") == std::pair<int, std::string>{400, "urlencoded body has a malformed %-escape at byte 7"});
    CHECK(failure("%=1").first == 400);
    CHECK(failure("a=%").first == 400);
}

TEST_CASE("a value past max_field_size is a 413 that names the field") {
    FormLimits limits;
    limits.max_field_size = 4;
    CHECK(parse("bio=abcd", limits) == Pairs{{"bio", "abcd"}});
    CHECK(failure("bio=abcde", limits) == std::pair<int, std::string>{413, "field 'bio' is larger than 4 bytes"});
    CHECK(failure("longname=1", limits) == std::pair<int, std::string>{413, "a field name is larger than 4 bytes"});
}

TEST_CASE("the field size limit counts decoded bytes, not escaped ones") {
    FormLimits limits;
    limits.max_field_size = 2;
    CHECK(parse("v=%41%42", limits) == Pairs{{"v", "AB"}});
}

TEST_CASE("more pairs than max_parts is a 413") {
    FormLimits limits;
    limits.max_parts = 2;
    CHECK(parse("a&b", limits).size() == 2);
    CHECK(failure("a&b&c", limits) == std::pair<int, std::string>{413, "urlencoded body has more than 2 fields"});
}

TEST_CASE("a body past max_in_memory_bytes is a 413 before anything is decoded") {
    FormLimits limits;
    limits.max_in_memory_bytes = 8;
    CHECK(failure("a=%zz&b=123", limits) == std::pair<int, std::string>{413, "urlencoded body is larger than 8 bytes"});
}
