// The PROXY protocol parser (v1 text, v2 binary) on wire bytes, with no socket: every valid form,
// fed whole and one byte more at a time (need_more until the header is whole), followed by the
// request it carries (header_size must leave it intact), each refusal with its message, and the
// headers a real HAProxy sent.
#include <tern/net/proxy_protocol.hpp>

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

using tern::net::parse_proxy_header;
using tern::net::ProxyHeader;
using tern::net::ProxyParse;

namespace {

constexpr std::string_view request = "GET / HTTP/1.1\r\nHost: example.test\r\n\r\n";
constexpr std::string_view v2_signature{"\r\n\r\n\0\r\nQUIT\n", 12};

std::string from_hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    }
    return out;
}

// A v2 header: the signature, version and command, family and transport, a length, the rest.
std::string v2_raw(int version_command, int family, std::size_t length, std::string_view rest) {
    std::string out(v2_signature);
    out += static_cast<char>(version_command);
    out += static_cast<char>(family);
    out += static_cast<char>(length >> 8);
    out += static_cast<char>(length & 0xff);
    out += rest;
    return out;
}

// A v2 header whose length field is right for `rest`.
std::string v2(int version_command, int family, std::string_view rest) {
    return v2_raw(version_command, family, rest.size(), rest);
}

// IPv4 203.0.113.7:51234 to 192.0.2.1:443, as a v2 address block.
std::string const ipv4_block = from_hex("cb007107" "c0000201" "c822" "01bb");
// IPv6 2001:db8::1:51234 to 2001:db8::2:443.
std::string const ipv6_block =
    from_hex("20010db8000000000000000000000001" "20010db8000000000000000000000002" "c822" "01bb");

// Parses `header` as every prefix of itself (need_more until whole), whole, and followed by a
// request (the same result, and header_size points at the request).
ProxyHeader parse_whole(std::string_view header) {
    for (std::size_t n = 0; n < header.size(); ++n) {
        auto const partial = parse_proxy_header(header.substr(0, n));
        INFO("prefix of ", n, " bytes: ", partial.error);
        REQUIRE(partial.state == ProxyParse::need_more);
        CHECK(partial.error.empty());
    }
    auto const whole = parse_proxy_header(header);
    INFO(whole.error);
    REQUIRE(whole.state == ProxyParse::done);
    CHECK(whole.header.header_size == header.size());
    std::string const connection = std::string(header) + std::string(request);
    auto const followed = parse_proxy_header(connection);
    REQUIRE(followed.state == ProxyParse::done);
    CHECK(followed.header.header_size == header.size());
    CHECK(followed.header.source_address == whole.header.source_address);
    CHECK(std::string_view(connection).substr(followed.header.header_size) == request);
    return whole.header;
}

// The error `bytes` is refused with; more bytes after them must not change the verdict.
std::string refusal(std::string_view bytes) {
    auto const result = parse_proxy_header(bytes);
    INFO("state ", static_cast<int>(result.state));
    REQUIRE(result.state == ProxyParse::invalid);
    CHECK(parse_proxy_header(std::string(bytes) + "\r\n" + std::string(request)).state == ProxyParse::invalid);
    return result.error;
}

void check_endpoints(ProxyHeader const& h, int family, std::string_view source, std::uint16_t source_port,
                     std::string_view destination, std::uint16_t destination_port) {
    CHECK_FALSE(h.local);
    CHECK(h.family == family);
    CHECK(h.source_address == source);
    CHECK(h.source_port == source_port);
    CHECK(h.destination_address == destination);
    CHECK(h.destination_port == destination_port);
}

void check_local(ProxyHeader const& h) {
    CHECK(h.local);
    CHECK(h.family == 0);
    CHECK(h.source_address.empty());
    CHECK(h.destination_address.empty());
}

}  // namespace

TEST_CASE("v1 TCP4 gives the client's address and port, and the request starts after the CRLF") {
    auto const h = parse_whole("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n");
    check_endpoints(h, AF_INET, "203.0.113.7", 51234, "192.0.2.1", 443);
    check_endpoints(parse_whole("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"), AF_INET, "0.0.0.0", 0,
                    "255.255.255.255", 65535);
}

TEST_CASE("v1 TCP6 gives IPv6 addresses in canonical form") {
    check_endpoints(parse_whole("PROXY TCP6 2001:DB8:0:0:0:0:0:1 2001:db8::2 51234 443\r\n"), AF_INET6,
                    "2001:db8::1", 51234, "2001:db8::2", 443);
    check_endpoints(parse_whole("PROXY TCP6 ::ffff:203.0.113.7 ::1 1 2\r\n"), AF_INET6, "::ffff:203.0.113.7", 1,
                    "::1", 2);
    // The longest the specification foresees: 104 bytes.
    auto const all_f = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
                       "65535 65535\r\n";
    CHECK(parse_whole(all_f).source_address == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST_CASE("v1 UNKNOWN, bare or with anything up to the CRLF, keeps the socket's own addresses") {
    check_local(parse_whole("PROXY UNKNOWN\r\n"));
    check_local(parse_whole("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"));
}

TEST_CASE("a v1 line may be 107 bytes with its CRLF, not one more") {
    std::string const longest = "PROXY UNKNOWN " + std::string(91, 'x') + "\r\n";
    REQUIRE(longest.size() == tern::net::max_proxy_v1_size);
    CHECK(parse_whole(longest).header_size == 107);

    std::string const too_long = "PROXY UNKNOWN " + std::string(92, 'x') + "\r\n";
    CHECK(refusal(too_long) == "PROXY v1: no CRLF within the first 107 bytes");
    // Without a CRLF, 106 bytes may still become a header and 107 may not.
    CHECK(parse_proxy_header(too_long.substr(0, 106)).state == ProxyParse::need_more);
    CHECK(refusal(too_long.substr(0, 107)) == "PROXY v1: no CRLF within the first 107 bytes");
    // Valid fields do not excuse a long line: IPv4-mapped addresses in full take 116 bytes.
    CHECK(refusal("PROXY TCP6 0000:0000:0000:0000:0000:ffff:255.255.255.255 "
                  "0000:0000:0000:0000:0000:ffff:255.255.255.255 65535 65535\r\n") ==
          "PROXY v1: no CRLF within the first 107 bytes");
}

TEST_CASE("v1 refusals say what was wrong") {
    CHECK(refusal("PROXY TCP4 1.2.3 192.0.2.1 1 2\r\n") == "PROXY v1: bad source address '1.2.3'");
    CHECK(refusal("PROXY TCP4 1.2.3.4 256.0.0.1 1 2\r\n") == "PROXY v1: bad destination address '256.0.0.1'");
    CHECK(refusal("PROXY TCP4 01.2.3.4 192.0.2.1 1 2\r\n") == "PROXY v1: bad source address '01.2.3.4'");
    CHECK(refusal("PROXY TCP4 ::1 192.0.2.1 1 2\r\n") == "PROXY v1: bad source address '::1'");
    CHECK(refusal("PROXY TCP6 1.2.3.4 ::1 1 2\r\n") == "PROXY v1: bad source address '1.2.3.4'");
    CHECK(refusal("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n") == "PROXY v1: bad source address 'fe80::1%eth0'");
    CHECK(refusal(std::string("PROXY TCP4 1.2.3.4\0 192.0.2.1 1 2\r\n", 35)) ==
          "PROXY v1: bad source address '1.2.3.4\\x00'");

    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 65536 2\r\n") == "PROXY v1: bad source port '65536'");
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 +80 2\r\n") == "PROXY v1: bad source port '+80'");
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 080 2\r\n") == "PROXY v1: bad source port '080'");
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1 -2\r\n") == "PROXY v1: bad destination port '-2'");
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1 8a\r\n") == "PROXY v1: bad destination port '8a'");

    std::string const four_fields =
        "PROXY v1: TCP4 needs four fields (source and destination addresses, then ports) separated by single spaces";
    CHECK(refusal("PROXY TCP4 1.2.3.4  192.0.2.1 1 2\r\n") == four_fields);
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1 2 \r\n") == four_fields);
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1\r\n") == four_fields);
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1 2 3\r\n") == four_fields);
    CHECK(refusal("PROXY TCP4\r\n") == four_fields);
    CHECK(refusal("PROXY TCP4 \r\n") == four_fields);

    CHECK(refusal("PROXY tcp4 1.2.3.4 192.0.2.1 1 2\r\n") == "PROXY v1: unknown protocol 'tcp4'");
    CHECK(refusal("PROXY UNKNOWNX\r\n") == "PROXY v1: unknown protocol 'UNKNOWNX'");
    CHECK(refusal("PROXY  TCP4 1.2.3.4 192.0.2.1 1 2\r\n") == "PROXY v1: unknown protocol ''");
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1 2\n") == "PROXY v1: LF without CR");
    CHECK(refusal("PROXY TCP4 1.2.3.4 192.0.2.1 1 2\rX") == "PROXY v1: CR not followed by LF");
}

TEST_CASE("a v1 protocol word that cannot become TCP4, TCP6 or UNKNOWN is refused before the CRLF") {
    CHECK(parse_proxy_header("PROXY TC").state == ProxyParse::need_more);
    CHECK(parse_proxy_header("PROXY UNKNOWN").state == ProxyParse::need_more);
    CHECK(parse_proxy_header("PROXY TCP4\r").state == ProxyParse::need_more);
    CHECK(refusal("PROXY TCP5") == "PROXY v1: unknown protocol 'TCP5'");
    CHECK(refusal("PROXY G") == "PROXY v1: unknown protocol 'G'");
    CHECK(refusal("PROXY TCP\t") == "PROXY v1: unknown protocol 'TCP\\x09'");
}

TEST_CASE("a connection that starts with neither signature is refused at its first diverging byte") {
    CHECK(parse_proxy_header("").state == ProxyParse::need_more);
    CHECK(refusal("G") == "not a PROXY protocol header (neither \"PROXY \" nor the v2 signature): 'G'");
    CHECK(refusal(request).starts_with("not a PROXY protocol header"));
    CHECK(refusal("\x16\x03\x01").starts_with("not a PROXY protocol header"));  // a TLS ClientHello
    for (std::string_view prefix : {"P", "PROX", "PROXY", "\r", "\r\n\r\n", "\r\n\r\n\0\r\nQUI"}) {
        CHECK(parse_proxy_header(prefix).state == ProxyParse::need_more);
    }
    CHECK(refusal("PROXY\r").starts_with("not a PROXY protocol header"));
    CHECK(refusal("PROXYTCP4").starts_with("not a PROXY protocol header"));
    CHECK(refusal(std::string_view("\r\n\r\n\0\r\nQUIX", 11)).starts_with("not a PROXY protocol header"));
    CHECK(refusal("\r\n\r\n\r\n") == "not a PROXY protocol header (neither \"PROXY \" nor the v2 signature): "
                                     "'\\r\\n\\r\\n\\r\\n'");
}

TEST_CASE("v2 PROXY over IPv4 and IPv6 gives the client's address and port") {
    check_endpoints(parse_whole(v2(0x21, 0x11, ipv4_block)), AF_INET, "203.0.113.7", 51234, "192.0.2.1", 443);
    check_endpoints(parse_whole(v2(0x21, 0x21, ipv6_block)), AF_INET6, "2001:db8::1", 51234, "2001:db8::2", 443);
}

TEST_CASE("v2 TLVs are skipped: header_size covers them and the request follows intact") {
    // A CRC32C, a unique id "abc", and an empty no-op.
    std::string const tlvs = from_hex("0300043a5c9e21") + from_hex("050003616263") + from_hex("040000");
    auto const h = parse_whole(v2(0x21, 0x11, ipv4_block + tlvs));
    check_endpoints(h, AF_INET, "203.0.113.7", 51234, "192.0.2.1", 443);
    CHECK(h.header_size == 16 + 12 + tlvs.size());
    CHECK(parse_whole(v2(0x21, 0x21, ipv6_block + tlvs)).header_size == 16 + 36 + tlvs.size());
}

TEST_CASE("v2 LOCAL keeps the socket's own addresses, whatever family and payload it carries") {
    check_local(parse_whole(v2(0x20, 0x00, "")));
    check_local(parse_whole(v2(0x20, 0x11, ipv4_block)));
    check_local(parse_whole(v2(0x20, 0xff, "not TLVs")));  // the specification: the family is ignored
}

TEST_CASE("v2 PROXY with AF_UNSPEC or AF_UNIX is treated as local") {
    check_local(parse_whole(v2(0x21, 0x00, "")));
    check_local(parse_whole(v2(0x21, 0x00, "anything")));
    std::string const unix_block =
        "/run/client.sock" + std::string(92, '\0') + "/run/server.sock" + std::string(92, '\0');  // 2 x 108
    check_local(parse_whole(v2(0x21, 0x31, unix_block)));
    check_local(parse_whole(v2(0x21, 0x31, unix_block + from_hex("040001ff"))));
}

TEST_CASE("the largest v2 header, 16 + 65535 bytes, is need_more until its last byte") {
    std::string const tlv = from_hex("04") + from_hex("fff0") + std::string(0xfff0, 'x');  // 65523 bytes
    std::string const header = v2(0x21, 0x11, ipv4_block + tlv);
    REQUIRE(header.size() == tern::net::max_proxy_v2_size);
    CHECK(parse_proxy_header(std::string_view(header).substr(0, header.size() - 1)).state == ProxyParse::need_more);
    auto const result = parse_proxy_header(header + std::string(request));
    REQUIRE(result.state == ProxyParse::done);
    CHECK(result.header.header_size == tern::net::max_proxy_v2_size);
    CHECK(result.header.source_address == "203.0.113.7");
}

TEST_CASE("v2 refusals say what was wrong, as soon as the byte that decides is in") {
    // Versions and commands: byte 13 alone decides.
    CHECK(refusal(v2_raw(0x11, 0x11, 12, "").substr(0, 13)) == "PROXY v2: version 1, not 2");
    CHECK(refusal(v2_raw(0x31, 0x11, 12, "").substr(0, 13)) == "PROXY v2: version 3, not 2");
    CHECK(refusal(v2_raw(0x22, 0x11, 12, "").substr(0, 13)) == "PROXY v2: unknown command 0x02");
    CHECK(refusal(v2_raw(0x2f, 0x11, 12, "").substr(0, 13)) == "PROXY v2: unknown command 0x0f");
    // Families and transports: byte 14.
    std::string const unsupported = " (TCP over IPv4 or IPv6, UNIX stream, or unspecified)";
    for (int family : {0x12, 0x22, 0x32, 0x01, 0x10, 0x13, 0x41, 0xff}) {
        CAPTURE(family);
        CHECK(refusal(v2_raw(0x21, family, 12, "").substr(0, 14))
                  .starts_with("PROXY v2: unsupported family and transport 0x"));
    }
    CHECK(refusal(v2(0x21, 0x12, ipv4_block)) == "PROXY v2: unsupported family and transport 0x12" + unsupported);
    // Lengths shorter than the addresses: byte 16.
    CHECK(refusal(v2_raw(0x21, 0x11, 8, "")) == "PROXY v2: length 8 does not cover the 12-byte IPv4 address block");
    CHECK(refusal(v2_raw(0x21, 0x21, 12, "")) == "PROXY v2: length 12 does not cover the 36-byte IPv6 address block");
    CHECK(refusal(v2_raw(0x21, 0x31, 100, "")) ==
          "PROXY v2: length 100 does not cover the 216-byte UNIX address block");
    // TLVs that do not fit the length, once it is all in.
    CHECK(refusal(v2(0x21, 0x11, ipv4_block + from_hex("0400"))) ==
          "PROXY v2: a truncated TLV at the end of the header");
    CHECK(refusal(v2(0x21, 0x11, ipv4_block + from_hex("04000501"))) ==
          "PROXY v2: TLV 0x04 of 5 bytes runs past the header");
}

// Captured from Debian 12's HAProxy 2.6.12 (mode tcp): a frontend on 127.0.0.1, one on [::1] and
// one on a UNIX socket, each to a backend server with `send-proxy`, `send-proxy-v2`,
// `send-proxy-v2 proxy-v2-options crc32c,unique-id` (unique-id-format tern-%{+X}o%ci:%cp) or
// `check check-send-proxy` (health checks), pointing at a Python listener that wrote the first
// bytes it received in hex. The client sent `request` through each frontend.
TEST_CASE("the headers HAProxy 2.6 sends parse, and leave its request intact") {
    struct Capture {
        std::string_view hex;
        bool local;
        int family;
        std::string_view source;
        std::uint16_t source_port;
        std::string_view destination;
        std::uint16_t destination_port;
    };
    Capture const captures[] = {
        // send-proxy
        {"50524f58592054435034203132372e302e302e31203132372e302e302e312034303136322036303035390d0a", false, AF_INET,
         "127.0.0.1", 40162, "127.0.0.1", 60059},
        // send-proxy, the client on [::1]
        {"50524f58592054435036203a3a31203a3a312033383939342033343737310d0a", false, AF_INET6, "::1", 38994, "::1",
         34771},
        // send-proxy, the client on a UNIX socket
        {"50524f585920554e4b4e4f574e0d0a", true, 0, "", 0, "", 0},
        // send-proxy-v2
        {"0d0a0d0a000d0a515549540a2111000c7f0000017f000001984e8f5b", false, AF_INET, "127.0.0.1", 38990, "127.0.0.1",
         36699},
        // send-proxy-v2, the client on [::1]
        {"0d0a0d0a000d0a515549540a212100240000000000000000000000000000000100000000000000000000000000000001a2e6be1f",
         false, AF_INET6, "::1", 41702, "::1", 48671},
        // send-proxy-v2 with the crc32c and unique-id TLVs
        {"0d0a0d0a000d0a515549540a211100287f0000017f000001d9549d51"
         "030004f5158ed6" "0500127465726e2d37463030303030313a44393534",
         false, AF_INET, "127.0.0.1", 55636, "127.0.0.1", 40273},
        // send-proxy-v2, the client on a UNIX socket, and every health check (LOCAL)
        {"0d0a0d0a000d0a515549540a20000000", true, 0, "", 0, "", 0},
    };
    for (Capture const& capture : captures) {
        std::string const header = from_hex(capture.hex);
        CAPTURE(capture.hex);
        ProxyHeader const h = parse_whole(header);
        CHECK(h.local == capture.local);
        CHECK(h.family == capture.family);
        CHECK(h.source_address == capture.source);
        CHECK(h.source_port == capture.source_port);
        CHECK(h.destination_address == capture.destination);
        CHECK(h.destination_port == capture.destination_port);
    }
}
