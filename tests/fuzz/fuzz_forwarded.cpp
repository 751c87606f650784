// libFuzzer target for what reverse proxies say: Forwarded (RFC 7239) and X-Forwarded-*
// headers from a trusted or untrusted peer. The input's lines are header values; the first
// byte picks which header each line is and whether the peer is trusted.
#include <tern/http/trusted_proxies.hpp>

#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

bool is_ip(std::string const& text) {
    unsigned char buf[16];
    return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    static tern::TrustedProxies const trusted{{"127.0.0.0/8", "10.0.0.0/8", "::1", "fd00::/8"}};
    unsigned const choice = data[0];
    std::string_view text(reinterpret_cast<char const*>(data + 1), size - 1);
    static constexpr std::string_view names[] = {"Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"};
    std::vector<std::string> values;
    while (!text.empty()) {
        std::size_t const nl = text.find('\n');
        values.emplace_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    std::vector<tern::Header> headers;
    for (std::size_t i = 0; i < values.size(); ++i) headers.push_back({names[(choice + i) % 4], values[i]});
    std::string_view const peer = (choice & 0x80) ? "203.0.113.1" : "127.0.0.1";
    auto const info = tern::resolve_forwarded(peer, headers, trusted);
    check(!info || peer == "127.0.0.1", "an untrusted peer's headers were believed");
    if (info) {
        check(info->client.empty() || is_ip(info->client), "the client is not an IP literal");
        check(info->scheme.empty() || info->scheme == "http" || info->scheme == "https", "the scheme is neither http nor https");
    }
    return 0;
}
