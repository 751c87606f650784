#pragma once
// The vocabulary of RFC 6455 5.2's frames: opcodes, the decoded header, and which end we are.
#include <array>
#include <cstddef>
#include <cstdint>

namespace tern::websocket {

/// The frame types of RFC 6455 5.2. 3-7 and 11-15 are reserved: a frame with one of them is a
/// protocol error, since no extension here defines them.
enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

/// Control frames (close, ping, pong) have the high bit of the opcode set. They may come
/// between the fragments of a message, must not be fragmented, and carry at most 125 bytes.
constexpr bool is_control(Opcode opcode) noexcept { return (static_cast<std::uint8_t>(opcode) & 0x8) != 0; }

/// The largest payload of a control frame (RFC 6455 5.5).
inline constexpr std::size_t max_control_payload = 125;

/// The four bytes a client XORs over each frame's payload (RFC 6455 5.3). A client must pick
/// a fresh, unpredictable key for every frame, so the caller supplies them from a good random
/// source; a server sends no key.
using MaskKey = std::array<std::uint8_t, 4>;

/// Which end of the connection this endpoint is. A server reads masked frames and writes
/// unmasked ones; a client the other way round (RFC 6455 5.1).
enum class Role { server, client };

/// A frame's header as it was on the wire. `length` is the payload's length (not counting the
/// header); `mask` is meaningful only when `masked`.
struct FrameHeader {
    bool fin = true;
    bool rsv1 = false;  ///< permessage-deflate's "compressed" bit, on a message's first frame
    Opcode opcode = Opcode::text;
    bool masked = false;
    std::uint64_t length = 0;
    MaskKey mask{};
};

/// The longest header: 2 bytes, an 8-byte extended length and a 4-byte mask key.
inline constexpr std::size_t max_header_size = 14;

}  // namespace tern::websocket
