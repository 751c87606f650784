#include "http/url.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using tern::detail::decode_query_component;
using tern::detail::for_each_query_param;
using tern::detail::parse_query;
using tern::detail::percent_decode;
using tern::detail::valid_percent_escapes;

using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

std::string decoded(std::string_view in, bool plus_as_space = false) {
    std::string out;
    REQUIRE(percent_decode(in, out, plus_as_space));
    return out;
}

std::string query_component(std::string_view in) {
    std::string out;
    decode_query_component(in, out);
    return out;
}

Pairs query(std::string_view in) {
    Pairs out{{"stale", "pair"}};
    parse_query(in, out);
    return out;
}

}  // namespace

TEST_CASE("percent_decode decodes escapes in either case and leaves other bytes alone") {
    CHECK(decoded("/a%20b") == "/a b");
    CHECK(decoded("/caf%C3%A9") == "/caf\xC3\xA9");
    CHECK(decoded("%2f%2F") == "//");
    CHECK(decoded("/plain/path") == "/plain/path");
    CHECK(decoded("") == "");
}

TEST_CASE("percent_decode keeps '+' in paths and makes it a space in queries") {
    CHECK(decoded("/a+b") == "/a+b");
    CHECK(decoded("a+b", true) == "a b");
    CHECK(decoded("a%2Bb", true) == "a+b");
}

TEST_CASE("percent_decode appends to what the output already holds") {
    std::string out = "prefix:";
    CHECK(percent_decode("%41", out, false));
    CHECK(out == "prefix:A");
}

TEST_CASE("percent_decode refuses truncated, non-hex and NUL escapes") {
    for (std::string_view bad : {"%", "%4", "/a%zz", "%g0", "%0g", "/a%00b", "%%41"}) {
        CAPTURE(bad);
        std::string out;
        CHECK_FALSE(percent_decode(bad, out, false));
        CHECK_FALSE(valid_percent_escapes(bad));
    }
}

TEST_CASE("valid_percent_escapes agrees with percent_decode on well-formed input") {
    for (std::string_view good : {"", "/", "/a%20b", "%7e%7E", "/no/escapes", "%41%42%43"}) {
        CAPTURE(good);
        CHECK(valid_percent_escapes(good));
    }
}

TEST_CASE("a query component keeps malformed escapes and %00 as the text that was sent") {
    CHECK(query_component("a%20b+c") == "a b c");
    CHECK(query_component("100%") == "100%");
    CHECK(query_component("%zz%4") == "%zz%4");
    CHECK(query_component("nul%00here") == "nul%00here");
}

TEST_CASE("parse_query keeps repeated keys in order and gives keys without '=' an empty value") {
    CHECK(query("a=1&b=2&a=3") == Pairs{{"a", "1"}, {"b", "2"}, {"a", "3"}});
    CHECK(query("flag&x=") == Pairs{{"flag", ""}, {"x", ""}});
    CHECK(query("=v") == Pairs{{"", "v"}});
    CHECK(query("") == Pairs{});
}

TEST_CASE("parse_query decodes keys and values and skips empty pairs") {
    CHECK(query("q=hello+world&na%6De=J%C3%BCrgen") == Pairs{{"q", "hello world"}, {"name", "J\xC3\xBCrgen"}});
    CHECK(query("&&a=1&&") == Pairs{{"a", "1"}});
    CHECK(query("eq=a=b") == Pairs{{"eq", "a=b"}});
}

TEST_CASE("for_each_query_param passes each decoded pair in order") {
    std::vector<std::string> seen;
    for_each_query_param("x=1&y=%32", [&](std::string_view key, std::string_view value) {
        seen.push_back(std::string{key} + ":" + std::string{value});
    });
    CHECK(seen == std::vector<std::string>{"x:1", "y:2"});
}
