// libFuzzer target for src/http/url.*: percent-decoding of paths, the parsing of query strings and
// the Host syntax check.
// The input is used as a path and as a query string at once.
#include "http/url.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

bool is_unreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// Escapes every byte a query component may not hold literally. NUL stays raw: "%00" would come
// back as the literal text "%00", and a raw NUL passes through the decoder unchanged.
std::string encode(std::string_view in) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : in) {
        auto const c = static_cast<unsigned char>(ch);
        if (is_unreserved(c) || c == 0) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

void check_path_decoding(std::string_view in) {
    bool const valid = tern::detail::valid_percent_escapes(in);
    for (bool plus_as_space : {false, true}) {
        std::string out = "prefix";
        bool const ok = tern::detail::percent_decode(in, out, plus_as_space);
        check(ok == valid, "percent_decode agrees with valid_percent_escapes");
        if (!ok) continue;
        check(out.starts_with("prefix"), "percent_decode appends");
        std::string_view const decoded = std::string_view{out}.substr(6);
        auto const escapes = static_cast<std::size_t>(std::count(in.begin(), in.end(), '%'));
        check(decoded.size() == in.size() - 2 * escapes, "each escape shrinks by two bytes");
        check(std::count(decoded.begin(), decoded.end(), '\0') == std::count(in.begin(), in.end(), '\0'),
              "no escape decodes to NUL");
        // Encoding the result and decoding it again gives the result back.
        std::string again;
        check(tern::detail::percent_decode(encode(decoded), again, plus_as_space), "re-encoded text decodes");
        check(again == decoded, "percent_decode round-trips");
    }
}

void check_query_component(std::string_view in) {
    std::string out = "prefix";
    tern::detail::decode_query_component(in, out);
    check(out.starts_with("prefix") && out.size() - 6 <= in.size(), "decode_query_component appends, shrinking");
    std::string strict;
    if (tern::detail::percent_decode(in, strict, true)) {
        check(std::string_view{out}.substr(6) == strict, "decode_query_component agrees on valid escapes");
    }
}

void check_query(std::string_view query) {
    Pairs pairs;
    pairs.emplace_back("stale", "pair");
    tern::detail::parse_query(query, pairs);
    std::size_t calls = 0;
    tern::detail::for_each_query_param(query, [&](std::string_view key, std::string_view value) {
        check(calls < pairs.size() && pairs[calls].first == key && pairs[calls].second == value,
              "for_each_query_param agrees with parse_query");
        ++calls;
    });
    check(calls == pairs.size(), "for_each_query_param sees every pair");
    auto const non_empty = std::count_if(query.begin(), query.end(), [](char c) { return c == '&'; }) + 1;
    check(pairs.size() <= static_cast<std::size_t>(non_empty), "at most one pair per '&'-separated part");

    // Encoding the pairs and parsing them again gives the same pairs.
    std::string encoded;
    for (auto const& [key, value] : pairs) {
        if (!encoded.empty()) encoded += '&';
        encoded += encode(key) + '=' + encode(value);
    }
    Pairs again;
    tern::detail::parse_query(encoded, again);
    check(again == pairs, "parse_query round-trips");
}

// A Host that valid_host accepts holds nothing that would let a proxy read it as another host
// or as more than a host: no whitespace, controls, '/', '?', '#', '@', and at most one ':'
// outside brackets, followed only by digits.
void check_host(std::string_view host) {
    if (!tern::detail::valid_host(host)) return;
    check(host.find_first_of(" \t\r\n/?#@\"<>\\^`{|}") == std::string_view::npos, "a valid host has no delimiters");
    check(std::none_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
          "a valid host has no controls");
    std::string_view const after = host.starts_with('[') ? host.substr(host.find(']') + 1) : host;
    std::size_t const colon = after.find(':');
    if (colon != std::string_view::npos) {
        std::string_view const port = after.substr(colon + 1);
        check(std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }),
              "a valid host's port is digits");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const in{reinterpret_cast<char const*>(data), size};
    check_path_decoding(in);
    check_query_component(in);
    check_query(in);
    check_host(in);
    return 0;
}
