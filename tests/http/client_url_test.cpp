// The client's URL handling and cookie jar, without sockets.
#include "http/client/url.hpp"   // first include: proves the header is self-contained

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "http/client/cookie_jar.hpp"

using tern::http::detail::CookieJar;
using tern::http::detail::parse_url;
using tern::http::detail::resolve_reference;
using tern::http::detail::Url;
using tern::http::detail::with_base;

TEST_CASE("an http URL splits into host, port and target") {
    Url const a = parse_url("http://Example.COM:8080/a/b?x=1#frag");
    CHECK(a.host == "example.com");
    CHECK(a.port == 8080);
    CHECK(a.target == "/a/b?x=1");
    CHECK(a.authority() == "example.com:8080");
    Url const b = parse_url("http://h");
    CHECK(b.port == 80);
    CHECK(b.target == "/");
    CHECK(b.authority() == "h");
    CHECK(parse_url("http://h?q=1").target == "/?q=1");
    Url const v6 = parse_url("http://[::1]:9000/x");
    CHECK(v6.host == "[::1]");
    CHECK(v6.port == 9000);
    CHECK(parse_url("HTTP://h/").host == "h");
}

TEST_CASE("URLs the client cannot use are refused with a message naming them") {
    try {
        parse_url("https://example.com/");
        FAIL("accepted");
    } catch (std::invalid_argument const& e) {
        CHECK(std::string(e.what()) == "tern::http::Client: https:// is not supported yet: https://example.com/");
    }
    for (char const* bad : {"ftp://h/", "h/x", "http:///x", "http://u:p@h/", "http://h:0/", "http://h:70000/",
                            "http://h:8x/", "http://h/a b", "http://h/\r\n", "http://[::1/"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_url(bad), std::invalid_argument);
    }
}

TEST_CASE("references resolve against a base URL as RFC 3986 says") {
    Url const base = parse_url("http://a:81/b/c/d;p?q");
    CHECK(resolve_reference(base, "g") == "http://a:81/b/c/g");
    CHECK(resolve_reference(base, "./g") == "http://a:81/b/c/g");
    CHECK(resolve_reference(base, "g/") == "http://a:81/b/c/g/");
    CHECK(resolve_reference(base, "/g") == "http://a:81/g");
    CHECK(resolve_reference(base, "//g/x") == "http://g/x");
    CHECK(resolve_reference(base, "?y") == "http://a:81/b/c/d;p?y");
    CHECK(resolve_reference(base, "g?y") == "http://a:81/b/c/g?y");
    CHECK(resolve_reference(base, "..") == "http://a:81/b/");
    CHECK(resolve_reference(base, "../g") == "http://a:81/b/g");
    CHECK(resolve_reference(base, "../../../g") == "http://a:81/g");
    CHECK(resolve_reference(base, "/./g/../h") == "http://a:81/h");
    CHECK(resolve_reference(base, "g#frag") == "http://a:81/b/c/g");
    CHECK(resolve_reference(base, "http://other/x") == "http://other/x");
    CHECK(resolve_reference(base, "https://other/x") == "https://other/x");
}

TEST_CASE("a base URL is joined with relative call URLs with exactly one slash") {
    CHECK(with_base("http://api:8080/v1", "/items") == "http://api:8080/v1/items");
    CHECK(with_base("http://api:8080/v1/", "/items") == "http://api:8080/v1/items");
    CHECK(with_base("http://api:8080/v1", "items") == "http://api:8080/v1/items");
    CHECK(with_base("http://api:8080/v1", "?x=1") == "http://api:8080/v1?x=1");
    CHECK(with_base("http://api:8080", "http://other/x") == "http://other/x");
    CHECK(with_base("", "/x") == "/x");
}

TEST_CASE("the cookie jar sends a cookie back to its host and path until it expires") {
    CookieJar jar;
    auto const now = std::chrono::system_clock::now();
    Url const login = parse_url("http://shop.example/account/login");
    jar.store("session=abc; Path=/; HttpOnly", login, now);
    jar.store("pref=dark", login, now);   // default path: /account
    jar.store("short=1; Path=/; Max-Age=10", login, now);
    CHECK(jar.header_for(parse_url("http://shop.example/account/x"), now) == "pref=dark; session=abc; short=1");
    CHECK(jar.header_for(parse_url("http://shop.example/"), now) == "session=abc; short=1");
    CHECK(jar.header_for(parse_url("http://shop.example/accounting"), now) == "session=abc; short=1");
    CHECK(jar.header_for(parse_url("http://other.example/"), now).empty());
    CHECK(jar.header_for(parse_url("http://sub.shop.example/"), now).empty());   // host-only
    CHECK(jar.header_for(parse_url("http://shop.example/"), now + std::chrono::seconds(11)) == "session=abc");
    jar.store("session=xyz; Path=/", login, now);
    CHECK(jar.find("session", login, now) == "xyz");
    jar.store("session=gone; Path=/; Max-Age=0", login, now);
    CHECK_FALSE(jar.find("session", login, now));
}

TEST_CASE("a Domain cookie reaches subdomains, and a Domain the host does not match is ignored") {
    CookieJar jar;
    auto const now = std::chrono::system_clock::now();
    Url const www = parse_url("http://www.example.com/");
    jar.store("wide=1; Domain=.example.com", www, now);
    jar.store("evil=1; Domain=attacker.com", www, now);
    jar.store("secure=1; Secure", www, now);   // never sent over http://
    CHECK(jar.header_for(parse_url("http://api.example.com/"), now) == "wide=1");
    CHECK(jar.header_for(parse_url("http://example.com/"), now) == "wide=1");
    CHECK(jar.header_for(parse_url("http://notexample.com/"), now).empty());
    CHECK(jar.size() == 1);
}

TEST_CASE("Expires in the past removes a cookie, one in the future keeps it") {
    CookieJar jar;
    auto const now = std::chrono::system_clock::now();
    Url const url = parse_url("http://h/");
    jar.store("a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT", url, now);
    jar.store("b=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", url, now);
    CHECK(jar.header_for(url, now) == "a=1");
}
