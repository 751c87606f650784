#pragma once
// Why a WebSocket connection must be failed (RFC 6455 7.1.7), as the parser and the assembler
// report it: the code for the close frame and a reason for it and for the log.
#include <tern/websocket/close_code.hpp>

#include <string_view>

namespace tern::websocket {

/// A violation found in the peer's frames. The endpoint sends a close frame with `code` and
/// `reason` (a static string of at most 123 bytes, so it fits a close frame as it is) and then
/// closes the connection without reading on; it must not process any frame after this one.
struct Failure {
    CloseCode code = CloseCode::protocol_error;
    std::string_view reason;

    friend bool operator==(Failure const&, Failure const&) = default;
};

}  // namespace tern::websocket
