#include <tern/net/proxy_protocol.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <utility>

namespace tern::net {

namespace {

constexpr std::string_view v1_prefix = "PROXY ";
constexpr std::string_view v2_signature{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr std::size_t v2_fixed_size = 16;  // the signature, version and command, family, length

// The values of byte 14 (family << 4 | transport) that a PROXY command may carry: unspecified,
// TCP over IPv4, TCP over IPv6, a UNIX stream socket.
constexpr std::uint8_t v2_unspec = 0x00;
constexpr std::uint8_t v2_tcp4 = 0x11;
constexpr std::uint8_t v2_tcp6 = 0x21;
constexpr std::uint8_t v2_unix_stream = 0x31;

constexpr std::uint8_t v2_command_local = 0x0;
constexpr std::uint8_t v2_command_proxy = 0x1;

ProxyResult need_more() { return {}; }

ProxyResult invalid(std::string error) { return {ProxyParse::invalid, {}, std::move(error)}; }

ProxyResult done(ProxyHeader header) { return {ProxyParse::done, std::move(header), {}}; }

// `text` in single quotes for an error message. The bytes come from the network and end up in
// a log, so anything but printable ASCII is escaped.
std::string quoted(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "'";
    for (char c : text) {
        auto const u = static_cast<unsigned char>(c);
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20 || u >= 0x7f || c == '\'' || c == '\\') {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::string hex_byte(std::uint8_t value) {
    static constexpr char hex[] = "0123456789abcdef";
    return {'0', 'x', hex[value >> 4], hex[value & 0xf]};
}

// Whether `bytes` and `expected` agree on their common length: `bytes` may still become a
// header that starts with `expected`.
bool agrees(std::string_view bytes, std::string_view expected) noexcept {
    std::size_t const n = std::min(bytes.size(), expected.size());
    return bytes.substr(0, n) == expected.substr(0, n);
}

// A binary address (4 or 16 bytes, network order) as inet_ntop writes it.
std::string format_address(int family, void const* binary) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    ::inet_ntop(family, binary, text.data(), text.size());
    return text.data();
}

// ---- version 1 ----

// Where the CR of the CRLF that ends a v1 line is, within the first max_proxy_v1_size bytes.
// npos with `error` empty: not in yet, but it may still come. The scan stops at the first byte
// that decides, so its answer for a prefix of the bytes holds for every continuation.
std::size_t find_v1_end(std::string_view bytes, std::string& error) {
    std::size_t const scan = std::min(bytes.size(), max_proxy_v1_size);
    for (std::size_t i = v1_prefix.size(); i < scan; ++i) {
        if (bytes[i] == '\n') {
            error = "PROXY v1: LF without CR";
            return std::string_view::npos;
        }
        if (bytes[i] != '\r') continue;
        if (i + 2 > max_proxy_v1_size) break;
        if (i + 1 == bytes.size()) return std::string_view::npos;
        if (bytes[i + 1] != '\n') {
            error = "PROXY v1: CR not followed by LF";
            return std::string_view::npos;
        }
        return i;
    }
    if (bytes.size() >= max_proxy_v1_size) error = "PROXY v1: no CRLF within the first 107 bytes";
    return std::string_view::npos;
}

// Whether `word` is one of the protocols of v1, or, while it is not whole yet, the start of one.
bool known_protocol(std::string_view word, bool whole) noexcept {
    for (std::string_view protocol : {"TCP4", "TCP6", "UNKNOWN"}) {
        if (whole ? word == protocol : protocol.starts_with(word)) return true;
    }
    return false;
}

// An address of `family` in text, strict: only the characters of an address (so no NUL can cut
// it short for inet_pton), and what inet_pton accepts (which for IPv4 is four decimal octets
// without leading zeros). Written back in canonical form.
bool parse_v1_address(int family, std::string_view field, std::string& out) {
    constexpr std::string_view ipv4_chars = "0123456789.";
    constexpr std::string_view ipv6_chars = "0123456789abcdefABCDEF:.";
    std::string_view const allowed = family == AF_INET ? ipv4_chars : ipv6_chars;
    if (field.empty() || field.size() >= INET6_ADDRSTRLEN) return false;
    if (field.find_first_not_of(allowed) != std::string_view::npos) return false;
    std::array<char, INET6_ADDRSTRLEN> text{};
    std::copy(field.begin(), field.end(), text.begin());
    in6_addr binary{};  // large enough for either family
    if (::inet_pton(family, text.data(), &binary) != 1) return false;
    out = format_address(family, &binary);
    return true;
}

// A port in decimal: digits only (no sign, no space), no leading zero, at most 65535.
bool parse_v1_port(std::string_view field, std::uint16_t& out) noexcept {
    if (field.empty() || field.size() > 5 || (field.size() > 1 && field[0] == '0')) return false;
    std::uint32_t value = 0;
    for (char c : field) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value > 65535) return false;
    out = static_cast<std::uint16_t>(value);
    return true;
}

// "src dst sport dport" after "PROXY TCP4 " or "PROXY TCP6 ", separated by single spaces.
ProxyResult parse_v1_endpoints(std::string_view protocol, std::string_view fields, ProxyHeader header) {
    std::array<std::string_view, 5> field;  // one more than allowed, to see that there is one
    std::size_t count = 0;
    for (std::size_t from = 0; count < field.size();) {
        std::size_t const space = fields.find(' ', from);
        field[count++] = fields.substr(from, space - from);  // the rest when there is no space
        if (space == std::string_view::npos) break;
        from = space + 1;
    }
    if (count != 4 || std::any_of(field.begin(), field.begin() + 4, [](auto f) { return f.empty(); })) {
        return invalid("PROXY v1: " + std::string(protocol) +
                       " needs four fields (source and destination addresses, then ports) separated by single spaces");
    }
    int const family = protocol == "TCP4" ? AF_INET : AF_INET6;
    header.family = family;
    if (!parse_v1_address(family, field[0], header.source_address)) {
        return invalid("PROXY v1: bad source address " + quoted(field[0]));
    }
    if (!parse_v1_address(family, field[1], header.destination_address)) {
        return invalid("PROXY v1: bad destination address " + quoted(field[1]));
    }
    if (!parse_v1_port(field[2], header.source_port)) return invalid("PROXY v1: bad source port " + quoted(field[2]));
    if (!parse_v1_port(field[3], header.destination_port)) {
        return invalid("PROXY v1: bad destination port " + quoted(field[3]));
    }
    return done(std::move(header));
}

// `bytes` starts with "PROXY ". The protocol word is checked before the line is whole, so that
// "PROXY GET..." fails at once rather than after 107 bytes.
ProxyResult parse_v1(std::string_view bytes) {
    std::string error;
    std::size_t const end = find_v1_end(bytes, error);
    if (!error.empty()) return invalid(std::move(error));
    bool const whole_line = end != std::string_view::npos;
    std::string_view rest = bytes.substr(v1_prefix.size(), whole_line ? end - v1_prefix.size() : bytes.size());
    if (!whole_line && rest.ends_with('\r')) rest.remove_suffix(1);  // its LF is still to come
    std::size_t const space = rest.find(' ');
    std::string_view const protocol = rest.substr(0, space);
    if (!known_protocol(protocol, whole_line || space != std::string_view::npos)) {
        return invalid("PROXY v1: unknown protocol " + quoted(protocol));
    }
    if (!whole_line) return need_more();

    ProxyHeader header;
    header.header_size = end + 2;
    if (protocol == "UNKNOWN") {  // what follows, up to the CRLF, is to be ignored
        header.local = true;
        return done(std::move(header));
    }
    std::string_view const fields = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    return parse_v1_endpoints(protocol, fields, std::move(header));
}

// ---- version 2 ----

// The size of the address block a PROXY command's family needs before any TLV.
std::size_t v2_address_block(std::uint8_t family) noexcept {
    switch (family) {
    case v2_tcp4: return 4 + 4 + 2 + 2;
    case v2_tcp6: return 16 + 16 + 2 + 2;
    case v2_unix_stream: return 108 + 108;
    default: return 0;
    }
}

// The name of a family whose address block has a size (for an error message).
char const* v2_family_name(std::uint8_t family) noexcept {
    switch (family) {
    case v2_tcp4: return "IPv4";
    case v2_tcp6: return "IPv6";
    default: return "UNIX";
    }
}

std::uint16_t big_endian16(std::string_view bytes, std::size_t at) noexcept {
    auto const high = static_cast<std::uint8_t>(bytes[at]);
    auto const low = static_cast<std::uint8_t>(bytes[at + 1]);
    return static_cast<std::uint16_t>(high << 8 | low);
}

// What is wrong with the TLVs that fill the rest of a header, or nothing. Each is a type byte, a
// 16-bit length and that many bytes; they are skipped, but each must fit, or the length field
// and the TLVs disagree.
std::string tlv_problem(std::string_view tlvs) {
    for (std::size_t at = 0; at < tlvs.size();) {
        if (tlvs.size() - at < 3) return "PROXY v2: a truncated TLV at the end of the header";
        std::size_t const length = big_endian16(tlvs, at + 1);
        if (tlvs.size() - at - 3 < length) {
            return "PROXY v2: TLV " + hex_byte(static_cast<std::uint8_t>(tlvs[at])) + " of " + std::to_string(length) +
                   " bytes runs past the header";
        }
        at += 3 + length;
    }
    return {};
}

// The addresses of a whole IPv4 or IPv6 header.
ProxyHeader v2_endpoints(std::string_view bytes, std::uint8_t family, ProxyHeader header) {
    bool const v4 = family == v2_tcp4;
    std::size_t const size = v4 ? 4 : 16;
    header.family = v4 ? AF_INET : AF_INET6;
    std::size_t const at = v2_fixed_size;
    header.source_address = format_address(header.family, bytes.data() + at);
    header.destination_address = format_address(header.family, bytes.data() + at + size);
    header.source_port = big_endian16(bytes, at + 2 * size);
    header.destination_port = big_endian16(bytes, at + 2 * size + 2);
    return header;
}

// `bytes` starts with the 12-byte signature. Each fixed byte is checked as soon as it is in.
ProxyResult parse_v2(std::string_view bytes) {
    if (bytes.size() <= 12) return need_more();
    auto const version_command = static_cast<std::uint8_t>(bytes[12]);
    std::uint8_t const version = version_command >> 4;
    std::uint8_t const command = version_command & 0xf;
    if (version != 2) return invalid("PROXY v2: version " + std::to_string(version) + ", not 2");
    if (command != v2_command_local && command != v2_command_proxy) {
        return invalid("PROXY v2: unknown command " + hex_byte(command));
    }
    if (bytes.size() <= 13) return need_more();
    // A LOCAL command's family is to be ignored, like its addresses (the proxy's own health check).
    bool const local_command = command == v2_command_local;
    auto const family = static_cast<std::uint8_t>(bytes[13]);
    if (!local_command && family != v2_unspec && family != v2_tcp4 && family != v2_tcp6 && family != v2_unix_stream) {
        return invalid("PROXY v2: unsupported family and transport " + hex_byte(family) +
                       " (TCP over IPv4 or IPv6, UNIX stream, or unspecified)");
    }
    if (bytes.size() < v2_fixed_size) return need_more();
    std::size_t const length = big_endian16(bytes, 14);
    std::size_t const block = local_command ? 0 : v2_address_block(family);
    if (length < block) {
        return invalid("PROXY v2: length " + std::to_string(length) + " does not cover the " + std::to_string(block) +
                       "-byte " + v2_family_name(family) + " address block");
    }
    if (bytes.size() < v2_fixed_size + length) return need_more();

    ProxyHeader header;
    header.header_size = v2_fixed_size + length;
    // TLVs follow the addresses of a known family. A LOCAL or AF_UNSPEC payload is ignored
    // whole, as the specification says of their addresses.
    if (block > 0) {
        std::string problem = tlv_problem(bytes.substr(v2_fixed_size + block, length - block));
        if (!problem.empty()) return invalid(std::move(problem));
    }
    if (local_command || family == v2_unspec || family == v2_unix_stream) {
        header.local = true;
        return done(std::move(header));
    }
    return done(v2_endpoints(bytes, family, std::move(header)));
}

}  // namespace

ProxyResult parse_proxy_header(std::string_view bytes) {
    if (agrees(bytes, v1_prefix)) return bytes.size() < v1_prefix.size() ? need_more() : parse_v1(bytes);
    if (agrees(bytes, v2_signature)) return parse_v2(bytes);
    return invalid("not a PROXY protocol header (neither \"PROXY \" nor the v2 signature): " +
                   quoted(bytes.substr(0, 16)));
}

}  // namespace tern::net
