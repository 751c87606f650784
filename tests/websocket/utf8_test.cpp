#include <tern/websocket/utf8.hpp>

#include <doctest/doctest.h>

#include <string>

using tern::websocket::Utf8Validator;
using tern::websocket::valid_utf8;

namespace {

// The UTF-8 form of a scalar value (RFC 3629 3), written out by hand as a reference.
std::string encode(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
    return out;
}

}  // namespace

TEST_CASE("every scalar value's UTF-8 form is valid, and every surrogate's is not") {
    for (char32_t cp = 0; cp <= 0x10ffff; ++cp) {
        bool const surrogate = cp >= 0xd800 && cp <= 0xdfff;
        if (valid_utf8(encode(cp)) == surrogate) {
            FAIL("code point " << static_cast<unsigned>(cp));
        }
    }
}

TEST_CASE("a 4-byte code point split between fragments is fine until the message ends") {
    constexpr std::string_view smiley = "\xf0\x9f\x98\x80";  // U+1F600
    Utf8Validator validator;
    for (std::size_t i = 0; i < smiley.size(); ++i) {
        CHECK(validator.feed(smiley.substr(i, 1)));
        CHECK(validator.complete() == (i + 1 == smiley.size()));
    }
    CHECK(validator.complete());
}

TEST_CASE("a message that ends inside a code point is incomplete") {
    Utf8Validator validator;
    CHECK(validator.feed("price: \xe2\x82"));  // the euro sign, cut short
    CHECK_FALSE(validator.complete());
}

TEST_CASE("overlong forms are rejected") {
    CHECK_FALSE(valid_utf8("\xc0\x80"));
    CHECK_FALSE(valid_utf8("\xc1\xbf"));
    CHECK_FALSE(valid_utf8("\xe0\x80\x80"));
    CHECK_FALSE(valid_utf8("\xe0\x9f\xbf"));
    CHECK_FALSE(valid_utf8("\xf0\x80\x80\x80"));
    CHECK_FALSE(valid_utf8("\xf0\x8f\xbf\xbf"));
    CHECK(valid_utf8("\xe0\xa0\x80"));
    CHECK(valid_utf8("\xf0\x90\x80\x80"));
}

TEST_CASE("surrogates are rejected") {
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));
    CHECK_FALSE(valid_utf8("\xed\xbf\xbf"));
    CHECK_FALSE(valid_utf8("\xed\xa0\x80\xed\xb0\x80"));  // a CESU-8 pair
    CHECK(valid_utf8("\xed\x9f\xbf"));
    CHECK(valid_utf8("\xee\x80\x80"));
}

TEST_CASE("code points past U+10FFFF and the bytes F5 to FF are rejected") {
    CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));
    CHECK(valid_utf8("\xf4\x8f\xbf\xbf"));
    CHECK_FALSE(valid_utf8("\xf5\x80\x80\x80"));
    CHECK_FALSE(valid_utf8("\xff"));
    CHECK_FALSE(valid_utf8("\xfe"));
}

TEST_CASE("stray and missing continuation bytes are rejected") {
    CHECK_FALSE(valid_utf8("\x80"));
    CHECK_FALSE(valid_utf8("a\xbf"));
    CHECK_FALSE(valid_utf8("\xc3("));
    CHECK_FALSE(valid_utf8("\xe2\x28\xa1"));
}

TEST_CASE("validation fails at the feed where the text goes wrong, not only at the end") {
    // Autobahn 6.4.x: "κόσμε" followed by a surrogate's first bytes, fed in three fragments.
    Utf8Validator validator;
    CHECK(validator.feed("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));
    CHECK(validator.feed("\xed"));
    CHECK_FALSE(validator.feed("\xa0\x80"));
    CHECK_FALSE(validator.feed("edited"));  // failed stays failed
    CHECK_FALSE(validator.complete());
}

TEST_CASE("a bad byte after a long ASCII run is found wherever it falls") {
    for (std::size_t at = 0; at < 40; ++at) {
        std::string text(40, 'x');
        text[at] = '\x80';
        CAPTURE(at);
        CHECK_FALSE(valid_utf8(text));
    }
    CHECK(valid_utf8(std::string(1000, 'x')));
}

TEST_CASE("reset starts a new message after a failure") {
    Utf8Validator validator;
    CHECK_FALSE(validator.feed("\xff"));
    validator.reset();
    CHECK(validator.feed("ok"));
    CHECK(validator.complete());
}
