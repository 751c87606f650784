#pragma once
// SHA-1 (FIPS 180-4), for the handshake's Sec-WebSocket-Accept only: RFC 6455 fixes the hash,
// and its weakness does not matter there (the value proves the server read the key, nothing
// more). Private to the websocket layer, so no crypto library is needed for it.
#include <array>
#include <cstdint>
#include <string_view>

namespace tern::websocket::detail {

using Sha1Digest = std::array<std::uint8_t, 20>;

/// The SHA-1 digest of `bytes`.
Sha1Digest sha1(std::string_view bytes) noexcept;

}  // namespace tern::websocket::detail
