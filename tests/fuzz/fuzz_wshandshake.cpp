// The WebSocket client's reading of a server's handshake answer: never crashes, and what it
// accepts is well formed (a status in range, header names that are tokens, values without
// CR/LF), and parsing is a function of the bytes alone.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <tern/websocket/handshake_response.hpp>

namespace {
[[noreturn]] void violated(char const* what) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const head{reinterpret_cast<char const*>(data), size};
    auto const parsed = tern::websocket::parse_handshake_response(head);
    if (!parsed) return 0;
    if (parsed->status < 100 || parsed->status > 599) violated("status out of range");
    if (!head.ends_with("\r\n\r\n")) violated("accepted a head without its blank line");
    for (auto const& [name, value] : parsed->headers) {
        if (name.empty()) violated("empty header name");
        if (value.find_first_of("\r\n") != std::string::npos) violated("CR or LF in a value");
        if (name.find_first_of(" :\t\r\n") != std::string::npos) violated("separator in a name");
    }
    auto const again = tern::websocket::parse_handshake_response(head);
    if (!again || again->headers.size() != parsed->headers.size()) violated("not deterministic");
    return 0;
}
