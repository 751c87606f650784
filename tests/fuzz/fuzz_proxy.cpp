// libFuzzer target for the net layer's PROXY protocol parser (v1 and v2), on what a connection
// may start with. The input's first byte picks a start to put before the rest (nothing, "PROXY ",
// "PROXY TCP4 ", "PROXY TCP6 ", the v2 signature, with a PROXY command over IPv4 or IPv6, or a
// LOCAL one), so that mutations spend their time past the signatures. Then every prefix of the
// bytes is parsed, as a server does while they arrive:
// - the verdicts grow monotonically: need_more, then done or invalid, which stays the same (for
//   done, the same header) whatever bytes follow;
// - done: header_size is within the bytes and the limits, the header alone parses the same and
//   one byte less is need_more; a local header has no addresses, any other has an IPv4 or IPv6
//   address in canonical form, and written as a v1 line it parses back to the same endpoints;
// - invalid says why; need_more says nothing.
#include <tern/net/proxy_protocol.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using tern::net::parse_proxy_header;
using tern::net::ProxyHeader;
using tern::net::ProxyParse;
using tern::net::ProxyResult;

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

constexpr std::string_view v2_signature{"\r\n\r\n\0\r\nQUIT\n", 12};

std::string start_for(std::uint8_t choice) {
    std::string const v2(v2_signature);
    switch (choice % 8) {
    case 1: return "PROXY ";
    case 2: return "PROXY TCP4 ";
    case 3: return "PROXY TCP6 ";
    case 4: return v2;
    case 5: return v2 + "\x21\x11";
    case 6: return v2 + "\x21\x21";
    case 7: return v2 + "\x20";
    default: return {};
    }
}

bool same_header(ProxyHeader const& a, ProxyHeader const& b) {
    return a.local == b.local && a.family == b.family && a.source_address == b.source_address &&
           a.source_port == b.source_port && a.destination_address == b.destination_address &&
           a.destination_port == b.destination_port && a.header_size == b.header_size;
}

bool canonical(int family, std::string const& address) {
    std::array<unsigned char, sizeof(in6_addr)> binary{};
    if (::inet_pton(family, address.c_str(), binary.data()) != 1) return false;
    std::array<char, INET6_ADDRSTRLEN> text{};
    return ::inet_ntop(family, binary.data(), text.data(), text.size()) && address == text.data();
}

void check_done(std::string_view bytes, ProxyHeader const& h) {
    check(h.header_size > 0 && h.header_size <= bytes.size(), "header_size within the bytes");
    check(h.header_size <= tern::net::max_proxy_v2_size, "header_size within the v2 limit");
    if (bytes[0] == 'P') check(h.header_size <= tern::net::max_proxy_v1_size, "a v1 header within 107 bytes");
    ProxyResult const alone = parse_proxy_header(bytes.substr(0, h.header_size));
    check(alone.state == ProxyParse::done && same_header(alone.header, h), "the header alone parses the same");
    check(parse_proxy_header(bytes.substr(0, h.header_size - 1)).state == ProxyParse::need_more,
          "one byte less than the header is need_more");
    if (h.local) {
        check(h.family == 0 && h.source_address.empty() && h.destination_address.empty() && h.source_port == 0 &&
                  h.destination_port == 0,
              "a local header carries no addresses");
        return;
    }
    check(h.family == AF_INET || h.family == AF_INET6, "an address header is IPv4 or IPv6");
    check(canonical(h.family, h.source_address) && canonical(h.family, h.destination_address),
          "addresses in canonical form");
    std::string const line = std::string("PROXY ") + (h.family == AF_INET ? "TCP4 " : "TCP6 ") + h.source_address +
                             " " + h.destination_address + " " + std::to_string(h.source_port) + " " +
                             std::to_string(h.destination_port) + "\r\n";
    ProxyResult const again = parse_proxy_header(line);
    ProxyHeader expected = h;
    expected.header_size = line.size();
    check(again.state == ProxyParse::done && same_header(again.header, expected), "written as v1, parses back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::string bytes = start_for(data[0]);
    bytes.append(reinterpret_cast<char const*>(data) + 1, size - 1);
    std::string_view const all = bytes;

    ProxyResult decided;  // the first verdict that is not need_more, at decided_at bytes
    std::size_t decided_at = 0;
    for (std::size_t n = 0; n <= all.size(); ++n) {
        ProxyResult const result = parse_proxy_header(all.substr(0, n));
        if (result.state == ProxyParse::need_more) {
            check(decided.state == ProxyParse::need_more, "need_more after a verdict");
            check(result.error.empty(), "need_more with an error");
            continue;
        }
        check(result.state == ProxyParse::done || !result.error.empty(), "invalid without an error");
        if (decided.state == ProxyParse::need_more) {
            decided = result;
            decided_at = n;
            if (result.state == ProxyParse::done) check_done(all.substr(0, n), result.header);
            continue;
        }
        check(result.state == decided.state, "a verdict changed as bytes arrived");
        if (result.state == ProxyParse::done) {
            check(same_header(result.header, decided.header), "a done header changed");
        }
    }
    if (decided.state == ProxyParse::done) check(decided.header.header_size == decided_at, "done as soon as whole");
    return 0;
}
