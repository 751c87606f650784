#pragma once
// The server's answer to a client's opening handshake, read off the wire (RFC 6455 4.1): a
// status line and header fields, checked strictly, with no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::websocket {

struct HandshakeResponse {
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    /// The first header of that name (case-insensitive), or "".
    std::string_view header(std::string_view name) const noexcept;
};

/// Parses `head`, the bytes up to and including the blank line: "HTTP/1.1 NNN reason" then
/// `name: value` lines, each ended by CRLF. nullopt for anything else (a bare LF, a missing
/// colon, a name that is not a token, control characters in a value, obsolete line folding,
/// a status outside 100-599): a client talking to something that is not a WebSocket server
/// should stop, not guess.
std::optional<HandshakeResponse> parse_handshake_response(std::string_view head);

}  // namespace tern::websocket
