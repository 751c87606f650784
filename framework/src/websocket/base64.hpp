#pragma once
// Base64 decoding (RFC 4648 4) for checking Sec-WebSocket-Key; encoding is public, in
// handshake.hpp. Private to the websocket layer.
#include <optional>
#include <string>
#include <string_view>

namespace tern::websocket::detail {

/// The bytes that `text` encodes: standard alphabet, padded to a multiple of 4 characters,
/// with no whitespace and with zero bits after the last byte (canonical, RFC 4648 3.5).
/// nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace tern::websocket::detail
