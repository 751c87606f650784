#pragma once
// The status codes of a WebSocket close frame (RFC 6455 7.4) and which of them may be sent.
#include <cstdint>

namespace tern::websocket {

/// The close codes the framework sends or reports. A close frame may carry any code that
/// valid_close_code_on_wire() accepts (an application's 3000-4999, say), so a CloseCode may
/// hold values that are not named here.
enum class CloseCode : std::uint16_t {
    normal = 1000,               ///< the purpose of the connection is fulfilled
    going_away = 1001,           ///< the server shuts down, or the browser leaves the page
    protocol_error = 1002,       ///< a frame broke RFC 6455 (bad bits, bad sequence, bad length)
    unsupported_data = 1003,     ///< a data type the endpoint cannot accept (text to a binary-only end)
    no_status = 1005,            ///< reported when a close frame had no code; never sent
    abnormal = 1006,             ///< reported when the connection dropped without a close frame; never sent
    invalid_payload = 1007,      ///< text that is not UTF-8, or a message that does not inflate
    policy_violation = 1008,     ///< a generic refusal when no other code fits
    message_too_big = 1009,      ///< a message larger than the endpoint's limit
    mandatory_extension = 1010,  ///< sent by a client whose required extension the server declined
    internal_error = 1011,       ///< the server met an unexpected condition (a handler threw)
    try_again_later = 1013,      ///< the server is overloaded; the client may reconnect later
};

/// The code as the number that goes on the wire.
constexpr std::uint16_t to_int(CloseCode code) noexcept { return static_cast<std::uint16_t>(code); }

/// Whether `code` may appear in a close frame (RFC 6455 7.4.1 and IANA's registry): 1000-1003,
/// 1007-1014 and the application range 3000-4999. 1004 is reserved, 1005, 1006 and 1015 are
/// for reporting only, and the rest of 0-2999 is unassigned, so a close frame carrying one of
/// them is a protocol error (1002), as is anything above 4999.
constexpr bool valid_close_code_on_wire(int code) noexcept {
    if (code >= 1000 && code <= 1003) return true;
    if (code >= 1007 && code <= 1014) return true;  // 1012-1014: registered by IANA after the RFC
    return code >= 3000 && code <= 4999;
}

}  // namespace tern::websocket
