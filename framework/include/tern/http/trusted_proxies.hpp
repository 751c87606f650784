#pragma once
// Behind a reverse proxy: which peers are trusted to say who the client is (uvicorn's
// --forwarded-allow-ips), and what Forwarded (RFC 7239) or X-Forwarded-For/-Proto/-Host say.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tern/http/detail/request_data.hpp>

namespace tern {

/// Addresses and CIDR ranges: "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", or "*" for any
/// peer. IPv4-mapped IPv6 peers (::ffff:10.1.2.3) match IPv4 entries.
class TrustedProxies {
public:
    TrustedProxies() = default;   // trusts nobody
    /// Throws std::invalid_argument naming the first entry that is not an address or a range.
    explicit TrustedProxies(std::vector<std::string> const& entries);
    /// `address`: an IP literal without port.
    bool trusts(std::string_view address) const noexcept;
    bool empty() const noexcept { return ranges_.empty() && !any_; }

private:
    struct Range {
        std::uint8_t bytes[16];
        int prefix;     // bits
        bool v4;
    };
    std::vector<Range> ranges_;
    bool any_ = false;
};

/// What the proxies said about the original request.
struct ForwardedInfo {
    std::string client;   // the original client's address, without port
    std::string scheme;   // "http" or "https", "" when not said
    std::string host;     // the original Host, "" when not said
};

/// nullopt unless `peer` (an address without port) is trusted. Otherwise the Forwarded header,
/// when present, else X-Forwarded-For/-Proto/-Host: the hops are walked from the nearest
/// (rightmost) back, skipping trusted proxies; the first untrusted hop is the client (the
/// farthest when all are trusted). proto and host are taken from that hop's Forwarded element,
/// or from the first X-Forwarded-Proto/-Host value. Only the 32 nearest hops are read (a
/// client may forge any number on the left). A malformed Forwarded header, an address
/// that is not an IP literal (an obfuscated "_hidden" or "unknown" identifier ends the walk
/// there), a proto other than http/https or an invalid host leave that piece unsaid.
std::optional<ForwardedInfo> resolve_forwarded(std::string_view peer, std::span<Header const> headers,
                                               TrustedProxies const& trusted);

}  // namespace tern
