#include <tern/http/trusted_proxies.hpp>

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

#include "http_chars.hpp"
#include "url.hpp"

namespace tern {

namespace {

constexpr std::size_t max_hops = 32;

// An IP literal as 16 bytes (IPv4 in the first 4), or false.
bool parse_ip(std::string_view text, std::uint8_t (&out)[16], bool& v4) noexcept {
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.empty() || text.size() >= sizeof buf) return false;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    std::memset(out, 0, 16);
    if (inet_pton(AF_INET, buf, out) == 1) return v4 = true, true;
    if (inet_pton(AF_INET6, buf, out) != 1) return false;
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(out, mapped, 12) == 0) {   // ::ffff:a.b.c.d is that IPv4 address
        std::memmove(out, out + 12, 4);
        std::memset(out + 4, 0, 12);
        return v4 = true, true;
    }
    return v4 = false, true;
}

bool valid_ip(std::string_view text) noexcept {
    std::uint8_t bytes[16];
    bool v4 = false;
    return parse_ip(text, bytes, v4);
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "203.0.113.7", "203.0.113.7:80", "[2001:db8::1]:4711", "2001:db8::1" -> the address alone.
std::string_view strip_port(std::string_view node) noexcept {
    if (node.starts_with('[')) {
        std::size_t const close = node.find(']');
        return close == std::string_view::npos ? std::string_view{} : node.substr(1, close - 1);
    }
    std::size_t const colon = node.find(':');
    if (colon != std::string_view::npos && node.find(':', colon + 1) == std::string_view::npos) return node.substr(0, colon);
    return node;
}

// One hop of the chain, nearest last.
struct Hop {
    std::string address;   // "" for an identifier that is not an address
    std::string proto;
    std::string host;
};

// RFC 7239 4: elements separated by ',', pairs by ';', values tokens or quoted-strings.
// False when the header is malformed.
bool parse_forwarded(std::string_view value, std::vector<Hop>& hops) {
    Hop hop;
    bool in_element = false;
    std::size_t i = 0;
    auto skip_ows = [&] { while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i; };
    while (i <= value.size()) {
        skip_ows();
        if (i == value.size()) break;
        std::size_t const eq = value.find('=', i);
        if (eq == std::string_view::npos) return false;
        std::string_view const name = trim(value.substr(i, eq - i));
        if (name.empty() || !detail::is_token(name)) return false;
        i = eq + 1;
        std::string v;
        if (i < value.size() && value[i] == '"') {
            ++i;
            for (;; ++i) {
                if (i >= value.size()) return false;
                if (value[i] == '\\') {
                    if (++i >= value.size()) return false;
                    v += value[i];
                } else if (value[i] == '"') {
                    ++i;
                    break;
                } else {
                    v += value[i];
                }
            }
        } else {
            std::size_t const end = value.find_first_of(";, \t", i);
            v = std::string(value.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
            if (v.empty() || !detail::is_token(v)) return false;
            i = end == std::string_view::npos ? value.size() : end;
        }
        in_element = true;
        if (detail::iequals(name, "for")) hop.address = std::string(strip_port(v));
        else if (detail::iequals(name, "proto")) hop.proto = v;
        else if (detail::iequals(name, "host")) hop.host = v;
        skip_ows();
        if (i < value.size() && value[i] == ';') {
            ++i;
            continue;
        }
        if (i < value.size() && value[i] != ',') return false;
        hops.push_back(std::move(hop));
        hop = Hop{};
        in_element = false;
        ++i;
    }
    if (in_element) hops.push_back(std::move(hop));
    return true;
}

std::string lowercase_proto(std::string_view proto) {
    if (detail::iequals(proto, "http")) return "http";
    if (detail::iequals(proto, "https")) return "https";
    return {};
}

std::string_view first_value(std::string_view list) noexcept { return trim(list.substr(0, list.find(','))); }

}  // namespace

TrustedProxies::TrustedProxies(std::vector<std::string> const& entries) {
    for (std::string const& entry : entries) {
        std::string_view text = trim(entry);
        if (text == "*") {
            any_ = true;
            continue;
        }
        Range range{};
        std::size_t const slash = text.find('/');
        std::string_view const address = text.substr(0, slash);
        if (!parse_ip(address, range.bytes, range.v4))
            throw std::invalid_argument("trusted proxy '" + entry + "' is not an address or a CIDR range");
        int const bits = range.v4 ? 32 : 128;
        range.prefix = bits;
        if (slash != std::string_view::npos) {
            std::string_view const p = text.substr(slash + 1);
            auto const [end, ec] = std::from_chars(p.data(), p.data() + p.size(), range.prefix);
            if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || range.prefix < 0 || range.prefix > bits)
                throw std::invalid_argument("trusted proxy '" + entry + "' has a bad prefix length");
        }
        ranges_.push_back(range);
    }
}

bool TrustedProxies::trusts(std::string_view address) const noexcept {
    if (any_) return valid_ip(address);
    std::uint8_t bytes[16];
    bool v4 = false;
    if (!parse_ip(address, bytes, v4)) return false;
    for (Range const& r : ranges_) {
        if (r.v4 != v4) continue;
        int const full = r.prefix / 8;
        int const rest = r.prefix % 8;
        if (std::memcmp(bytes, r.bytes, static_cast<std::size_t>(full)) != 0) continue;
        if (rest) {
            auto const mask = static_cast<std::uint8_t>(0xff << (8 - rest));
            if ((bytes[full] & mask) != (r.bytes[full] & mask)) continue;
        }
        return true;
    }
    return false;
}

std::optional<ForwardedInfo> resolve_forwarded(std::string_view peer, std::span<Header const> headers,
                                               TrustedProxies const& trusted) {
    if (!trusted.trusts(peer)) return std::nullopt;
    std::vector<Hop> hops;
    bool has_forwarded = false, malformed = false;
    std::string_view xff_proto, xff_host;
    std::vector<std::string_view> xff;
    for (Header const& h : headers) {
        if (detail::iequals(h.name, "Forwarded")) {
            has_forwarded = true;
            if (!malformed && !parse_forwarded(h.value, hops)) malformed = true;
        } else if (detail::iequals(h.name, "X-Forwarded-For")) {
            std::string_view list = h.value;
            while (!list.empty()) {
                std::size_t const comma = list.find(',');
                xff.push_back(trim(list.substr(0, comma)));
                list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            }
        } else if (detail::iequals(h.name, "X-Forwarded-Proto") && xff_proto.empty()) {
            xff_proto = first_value(h.value);
        } else if (detail::iequals(h.name, "X-Forwarded-Host") && xff_host.empty()) {
            xff_host = first_value(h.value);
        }
    }
    if (has_forwarded) {
        if (malformed) return ForwardedInfo{};   // believe none of it
    } else {
        for (std::string_view node : xff) hops.push_back(Hop{std::string(strip_port(node)), {}, {}});
    }
    // Only the nearest hops count: those on the right were added by the proxies, and a client
    // may write as many as it likes on the left (the header limit bounds the total).
    if (hops.size() > max_hops) hops.erase(hops.begin(), hops.end() - static_cast<std::ptrdiff_t>(max_hops));
    ForwardedInfo info;
    Hop const* chosen = nullptr;
    for (std::size_t i = hops.size(); i-- > 0;) {
        chosen = &hops[i];
        if (!valid_ip(hops[i].address) || !trusted.trusts(hops[i].address)) break;
    }
    if (chosen && valid_ip(chosen->address)) info.client = chosen->address;
    std::string_view const proto = has_forwarded ? (chosen ? std::string_view(chosen->proto) : std::string_view{}) : xff_proto;
    std::string_view const host = has_forwarded ? (chosen ? std::string_view(chosen->host) : std::string_view{}) : xff_host;
    info.scheme = lowercase_proto(proto);
    if (!host.empty() && detail::valid_host(host)) info.host = std::string(host);
    return info;
}

}  // namespace tern
