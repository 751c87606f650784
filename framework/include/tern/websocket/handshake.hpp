#pragma once
// The opening handshake's header values (RFC 6455 4): the key and its accept value, and the
// choice of subprotocol. No HTTP here: the caller reads and writes the headers.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern::websocket {

/// The GUID that RFC 6455 1.3 appends to the client's key.
inline constexpr std::string_view handshake_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key:
/// base64(SHA-1(key + GUID)). "dGhlIHNhbXBsZSBub25jZQ==" gives "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
std::string accept_key(std::string_view sec_websocket_key);

/// Whether a Sec-WebSocket-Key is what RFC 6455 4.1 asks of a client: the base64 of 16 bytes
/// (24 characters, ending in "=="). A server answers 400 otherwise.
bool valid_client_key(std::string_view sec_websocket_key) noexcept;

/// The base64 encoding (RFC 4648 4, with padding) of `bytes`: how a client makes its key from
/// 16 random bytes.
std::string base64_encode(std::string_view bytes);

/// The subprotocols a client offers in Sec-WebSocket-Protocol (several header lines joined
/// with ", "): comma-separated tokens, spaces around them dropped, empty and malformed elements
/// skipped. The views point into `sec_websocket_protocol`, which must outlive them.
std::vector<std::string_view> split_subprotocols(std::string_view sec_websocket_protocol);

/// The subprotocol to answer with: the first of `supported` (the server's order of preference)
/// that the client offered, compared exactly (subprotocol names are case-sensitive). nullopt
/// when none matches; the server then sends no Sec-WebSocket-Protocol header. The view points
/// into `supported`.
std::optional<std::string_view> select_subprotocol(std::string_view sec_websocket_protocol,
                                                   std::span<std::string_view const> supported);

}  // namespace tern::websocket
