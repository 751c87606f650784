#pragma once
// HAProxy's PROXY protocol, versions 1 (text) and 2 (binary), as a parser with no I/O: the
// first bytes of a connection in, the client's address as the proxy saw it out.
// The specification: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::net {

/// The longest version 1 header, CRLF included (the specification's limit).
constexpr std::size_t max_proxy_v1_size = 107;
/// The longest version 2 header: 16 fixed bytes and a 16-bit length of addresses and TLVs.
constexpr std::size_t max_proxy_v2_size = 16 + 65535;

/// What a PROXY header says about the connection it starts.
struct ProxyHeader {
    /// The header carries no addresses to use: a v2 LOCAL command (the proxy's own health
    /// check), v1 "UNKNOWN", or a v2 family that is not IP (AF_UNSPEC, AF_UNIX). The server
    /// keeps the socket's own addresses; family, addresses and ports stay empty.
    bool local = false;
    /// AF_INET or AF_INET6 when `local` is false, else 0.
    int family = 0;
    /// Numeric and canonical, as inet_ntop writes them ("203.0.113.7", "2001:db8::1"),
    /// whichever version carried them.
    std::string source_address;
    std::uint16_t source_port = 0;
    std::string destination_address;
    std::uint16_t destination_port = 0;
    /// The header's length in bytes (v1: the line with its CRLF; v2: 16 plus its length field,
    /// TLVs included). The connection's own bytes (the HTTP request) start after them.
    std::size_t header_size = 0;
};

enum class ProxyParse {
    need_more,  // a valid header may still follow: call again with more bytes
    done,       // `header` holds the whole header
    invalid,    // no more bytes can make this a valid header: close the connection
};

struct ProxyResult {
    ProxyParse state = ProxyParse::need_more;
    /// Meaningful when `state` is done.
    ProxyHeader header;
    /// Why the bytes are invalid, for the log ("PROXY v1: bad source address '1.2.3'");
    /// bytes taken from the input are quoted with anything unprintable escaped. Empty unless
    /// `state` is invalid.
    std::string error;
};

/// Parses the PROXY header at the start of `bytes`, which are all the bytes received so far on
/// the connection (not only the new ones: the parser keeps no state between calls, and nothing
/// of `bytes` is referenced by the result).
///
/// The answer depends only on the bytes, and grows monotonically with them: a result that is
/// done or invalid stays the same whatever bytes are appended, so the caller stops calling once
/// it has one. need_more is answered only while some continuation could still make a valid
/// header: a connection that starts with neither "PROXY " nor the v2 signature is invalid as
/// soon as its first diverging byte is in ("GET / HTTP/1.1" after one byte). A v1 header is
/// decided within max_proxy_v1_size bytes; a v2 header once its 16 + length bytes are in (up
/// to max_proxy_v2_size), so the caller bounds the time it waits for them.
///
/// Throws only std::bad_alloc (the result's strings).
ProxyResult parse_proxy_header(std::string_view bytes);

}  // namespace tern::net
