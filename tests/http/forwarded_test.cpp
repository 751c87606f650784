#include <tern/http/trusted_proxies.hpp>   // first include: proves the header is self-contained

#include <doctest/doctest.h>

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// The pure part of running behind reverse proxies: which peers are believed, and what their
// Forwarded / X-Forwarded-* headers are taken to say. No sockets: behind_proxy_test.cpp checks
// the same rules through a server.

namespace {

using tern::ForwardedInfo;
using tern::Header;
using tern::TrustedProxies;

TrustedProxies const internal{{"10.0.0.0/8", "fd00::/8"}};
constexpr std::string_view proxy = "10.0.0.1";   // the TCP peer of these tests, trusted by `internal`

std::optional<ForwardedInfo> resolve(std::initializer_list<Header> headers, std::string_view peer = proxy,
                                     TrustedProxies const& trusted = internal) {
    std::vector<Header> const fields(headers);
    return tern::resolve_forwarded(peer, fields, trusted);
}

// The client the proxies named, "" when they named none, "(ignored)" when the peer is not trusted.
std::string client(std::initializer_list<Header> headers, std::string_view peer = proxy) {
    auto const info = resolve(headers, peer);
    return info ? info->client : "(ignored)";
}

}  // namespace

TEST_CASE("an untrusted peer's headers are ignored, and an empty set trusts nobody") {
    CHECK_FALSE(resolve({{"X-Forwarded-For", "203.0.113.7"}}, "198.51.100.9"));
    CHECK_FALSE(resolve({{"Forwarded", "for=203.0.113.7"}}, "198.51.100.9"));
    TrustedProxies const nobody;
    CHECK(nobody.empty());
    CHECK_FALSE(nobody.trusts("127.0.0.1"));
    CHECK_FALSE(resolve({{"X-Forwarded-For", "203.0.113.7"}}, "127.0.0.1", nobody));
}

TEST_CASE("a trusted peer without proxy headers says nothing") {
    auto const info = resolve({{"Host", "api.example"}});
    REQUIRE(info);
    CHECK(info->client.empty());
    CHECK(info->scheme.empty());
    CHECK(info->host.empty());
}

TEST_CASE("X-Forwarded-For is walked from the right, skipping trusted hops") {
    // The nearest hop is 10.0.0.5 (trusted), then 198.51.100.2, the first that is not ours.
    CHECK(client({{"X-Forwarded-For", "203.0.113.7, 198.51.100.2, 10.0.0.5"}}) == "198.51.100.2");
    CHECK(client({{"X-Forwarded-For", "203.0.113.7,10.0.0.9 ,\t10.0.0.5"}}) == "203.0.113.7");
    // Every hop trusted: the farthest one is the client.
    CHECK(client({{"X-Forwarded-For", "10.0.0.7, 10.0.0.5"}}) == "10.0.0.7");
    // Several fields are one list, in arrival order.
    CHECK(client({{"X-Forwarded-For", "203.0.113.7"}, {"x-forwarded-for", "10.0.0.5"}}) == "203.0.113.7");
    CHECK(client({{"X-Forwarded-For", "2001:db8::7, fd00::5"}}) == "2001:db8::7");
}

TEST_CASE("X-Forwarded-For tolerates ports, which the result drops") {
    CHECK(client({{"X-Forwarded-For", "203.0.113.7:5678"}}) == "203.0.113.7");
    CHECK(client({{"X-Forwarded-For", "[2001:db8::1]:4711"}}) == "2001:db8::1");
}

TEST_CASE("a hop that is not an IP literal ends the walk and names no client") {
    CHECK(client({{"X-Forwarded-For", "203.0.113.7, gateway.internal, 10.0.0.5"}}).empty());
    CHECK(client({{"X-Forwarded-For", "unknown"}}).empty());
    CHECK(client({{"X-Forwarded-For", "1.2.3.4.5"}}).empty());
    CHECK(client({{"X-Forwarded-For", ""}}).empty());
}

TEST_CASE("X-Forwarded-Proto and -Host: the first value, a valid scheme or host only") {
    auto info = resolve({{"X-Forwarded-For", "203.0.113.7"}, {"X-Forwarded-Proto", "HTTPS"}, {"X-Forwarded-Host", "api.example:8443"}});
    REQUIRE(info);
    CHECK(info->scheme == "https");
    CHECK(info->host == "api.example:8443");
    info = resolve({{"X-Forwarded-Proto", "https, http"}, {"X-Forwarded-Host", "a.example, b.example"}});
    REQUIRE(info);
    CHECK(info->scheme == "https");
    CHECK(info->host == "a.example");
    info = resolve({{"X-Forwarded-Proto", "ftp"}, {"X-Forwarded-Host", "a b"}});
    REQUIRE(info);
    CHECK(info->scheme.empty());
    CHECK(info->host.empty());
    info = resolve({{"X-Forwarded-Host", "[2001:db8::1]:8080"}});
    REQUIRE(info);
    CHECK(info->host == "[2001:db8::1]:8080");
}

TEST_CASE("Forwarded: for, proto and host of the hop that names the client") {
    auto info = resolve({{"Forwarded", "for=\"[2001:db8::1]:4711\";proto=https;host=api.example"}});
    REQUIRE(info);
    CHECK(info->client == "2001:db8::1");
    CHECK(info->scheme == "https");
    CHECK(info->host == "api.example");
    // Elements by commas and by fields, walked from the right; proto is the chosen hop's.
    info = resolve({{"Forwarded", "for=203.0.113.7;proto=https, for=198.51.100.2;proto=http"}, {"Forwarded", "for=10.0.0.5"}});
    REQUIRE(info);
    CHECK(info->client == "198.51.100.2");
    CHECK(info->scheme == "http");
    CHECK(client({{"Forwarded", "for=\"203.0.113.7:80\";by=10.0.0.5"}}) == "203.0.113.7");
}

TEST_CASE("Forwarded: parameter names in any case, quoted-strings with escapes") {
    auto const info = resolve({{"forwarded", "For=\"203.0.\\113.7\"; PROTO=HTTPS; Host=\"api.example:8443\""}});
    REQUIRE(info);
    CHECK(info->client == "203.0.113.7");
    CHECK(info->scheme == "https");
    CHECK(info->host == "api.example:8443");
    CHECK(client({{"Forwarded", "for=\"[2001:db8::1]\""}}) == "2001:db8::1");
}

TEST_CASE("Forwarded: an obfuscated identifier names no client but keeps its hop's proto") {
    auto info = resolve({{"Forwarded", "for=_hidden;proto=https"}});
    REQUIRE(info);
    CHECK(info->client.empty());
    CHECK(info->scheme == "https");
    // The walk stops there: 203.0.113.7, behind the unknown hop, is not believed either.
    CHECK(client({{"Forwarded", "for=203.0.113.7, for=unknown, for=10.0.0.5"}}).empty());
    CHECK(client({{"Forwarded", "for=\"_gateway:_port\""}}).empty());
}

TEST_CASE("Forwarded is preferred over X-Forwarded-*, wherever it comes") {
    auto const info = resolve({{"X-Forwarded-For", "9.9.9.9"},
                               {"X-Forwarded-Proto", "https"},
                               {"X-Forwarded-Host", "other.example"},
                               {"Forwarded", "for=203.0.113.7"}});
    REQUIRE(info);
    CHECK(info->client == "203.0.113.7");
    CHECK(info->scheme.empty());   // Forwarded said no proto, and X-Forwarded-Proto is not mixed in
    CHECK(info->host.empty());
}

TEST_CASE("a malformed Forwarded header is not believed at all, and X-Forwarded-* do not stand in") {
    for (std::string_view const bad : {
             "for=\"203.0.113.7",                   // unterminated quoted-string
             "for=2001:db8::1",                     // IPv6 must be quoted
             "for=203.0.113.7:80",                  // so must a port
             "for",                                 // no value
             "for=",                                // empty value
             "=203.0.113.7",                        // no name
             "for=203.0.113.7 junk",                // junk after a value
             "for=203.0.113.7, for=\"[::1]",        // the second element is cut off
             "for=203.0.113.7;proto=\"https\\",     // an escape at the end
         }) {
        CAPTURE(bad);
        auto const info = resolve({{"Forwarded", bad}, {"X-Forwarded-For", "9.9.9.9"}, {"X-Forwarded-Proto", "https"}});
        REQUIRE(info);
        CHECK(info->client.empty());
        CHECK(info->scheme.empty());
        CHECK(info->host.empty());
    }
    // One bad field spoils the others too.
    CHECK(client({{"Forwarded", "for=203.0.113.7"}, {"Forwarded", "for=\"oops"}}).empty());
}

TEST_CASE("Forwarded: a bad proto or host leaves only that piece unsaid") {
    auto const info = resolve({{"Forwarded", "for=203.0.113.7;proto=gopher;host=\"a b\""}});
    REQUIRE(info);
    CHECK(info->client == "203.0.113.7");
    CHECK(info->scheme.empty());
    CHECK(info->host.empty());
}

TEST_CASE("trusted proxies: CIDR ranges at the IPv4 edges") {
    CHECK(TrustedProxies{{"0.0.0.0/0"}}.trusts("255.255.255.255"));
    CHECK(TrustedProxies{{"0.0.0.0/0"}}.trusts("0.0.0.0"));
    CHECK_FALSE(TrustedProxies{{"0.0.0.0/0"}}.trusts("::1"));   // an IPv4 range holds no IPv6 address
    TrustedProxies const host{{"192.0.2.7/32"}};
    CHECK(host.trusts("192.0.2.7"));
    CHECK_FALSE(host.trusts("192.0.2.6"));
    TrustedProxies const pair{{"192.0.2.6/31"}};
    CHECK(pair.trusts("192.0.2.6"));
    CHECK(pair.trusts("192.0.2.7"));
    CHECK_FALSE(pair.trusts("192.0.2.8"));
    TrustedProxies const odd{{"172.16.0.0/12"}};
    CHECK(odd.trusts("172.31.255.255"));
    CHECK_FALSE(odd.trusts("172.32.0.0"));
    CHECK_FALSE(odd.trusts("172.15.255.255"));
    // Host bits in the entry are ignored, as the prefix says.
    CHECK(TrustedProxies{{"10.1.2.3/8"}}.trusts("10.200.0.1"));
}

TEST_CASE("trusted proxies: CIDR ranges at the IPv6 edges") {
    CHECK(TrustedProxies{{"::/0"}}.trusts("2001:db8::1"));
    CHECK_FALSE(TrustedProxies{{"::/0"}}.trusts("192.0.2.1"));   // nor an IPv6 range IPv4 ones
    TrustedProxies const one{{"2001:db8::1/128"}};
    CHECK(one.trusts("2001:db8::1"));
    CHECK(one.trusts("2001:0db8:0000::0001"));
    CHECK_FALSE(one.trusts("2001:db8::2"));
    TrustedProxies const ula{{"fc00::/7"}};
    CHECK(ula.trusts("fc00::1"));
    CHECK(ula.trusts("fdff:ffff::1"));
    CHECK_FALSE(ula.trusts("fe00::1"));
    CHECK_FALSE(ula.trusts("fbff::1"));
    TrustedProxies const net{{"2001:db8:abcd:12::/63"}};
    CHECK(net.trusts("2001:db8:abcd:13::9"));
    CHECK_FALSE(net.trusts("2001:db8:abcd:14::"));
}

TEST_CASE("trusted proxies: IPv4-mapped IPv6 addresses count as IPv4, on both sides") {
    TrustedProxies const v4{{"127.0.0.0/8"}};
    CHECK(v4.trusts("::ffff:127.0.0.1"));
    CHECK_FALSE(v4.trusts("::ffff:128.0.0.1"));
    CHECK(TrustedProxies{{"::ffff:192.0.2.7"}}.trusts("192.0.2.7"));
    CHECK_FALSE(TrustedProxies{{"::/0"}}.trusts("::ffff:192.0.2.7"));
    CHECK(client({{"X-Forwarded-For", "203.0.113.7"}}, "::ffff:10.0.0.1") == "203.0.113.7");
}

TEST_CASE("trusted proxies: \"*\" trusts every IP literal, and only those") {
    TrustedProxies const any{{"*"}};
    CHECK_FALSE(any.empty());
    CHECK(any.trusts("198.51.100.1"));
    CHECK(any.trusts("2001:db8::5"));
    CHECK_FALSE(any.trusts("localhost"));
    CHECK_FALSE(any.trusts("127.0.0.1:80"));
    CHECK_FALSE(any.trusts(""));
}

TEST_CASE("trusted proxies: entries around spaces are read, bad ones refused with their text") {
    CHECK(TrustedProxies{{" 10.0.0.0/8 "}}.trusts("10.0.0.1"));
    for (std::string const bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/8/8",
                                  "gateway", "", "10.0.0", "[::1]", "::1%lo"}) {
        CAPTURE(bad);
        std::string const quoted = "'" + bad + "'";
        CHECK_THROWS_WITH_AS(TrustedProxies({"127.0.0.1", bad}), doctest::Contains(quoted.c_str()), std::invalid_argument);
    }
}

TEST_CASE("long chains are bounded work and still name a client from them") {
    std::string xff;
    for (int i = 0; i < 5000; ++i) xff += "10.0.0.7, ";
    xff += "10.0.0.5";
    std::string const result = client({{"X-Forwarded-For", xff}});
    CHECK(result == "10.0.0.7");
}

TEST_CASE("a chain longer than the bound keeps its nearest hops (a client cannot push the real ones out)") {
    std::string xff, fwd;
    for (int i = 0; i < 40; ++i) xff += "6.6.6.6, ", fwd += "for=6.6.6.6, ";
    CHECK(client({{"X-Forwarded-For", xff + "203.0.113.7"}}) == "203.0.113.7");
    CHECK(client({{"Forwarded", fwd + "for=203.0.113.7"}}) == "203.0.113.7");
    CHECK(client({{"X-Forwarded-For", std::string(40, ',')}, {"X-Forwarded-For", "203.0.113.7"}}) == "203.0.113.7");
}
