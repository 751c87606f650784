#pragma once
// What a WebSocket session accepts and how it keeps itself alive (tern::WebSocketOptions).
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace tern {

struct WebSocketOptions {
    /// The largest message, after inflating; a larger one closes the session with 1009.
    std::size_t max_message_size = 16 * 1024 * 1024;
    /// Accept permessage-deflate (RFC 7692) when the client offers it.
    bool permessage_deflate = true;
    /// The subprotocols the server speaks, in its order of preference: the first one the
    /// client also offers is chosen (Sec-WebSocket-Protocol). Empty: none is chosen.
    std::vector<std::string> protocols{};
    /// While receive() waits and nothing has arrived for this long, the server pings; after
    /// max_missed_pongs pings without a pong the peer is taken for gone (close 1001). Zero: no pings.
    std::chrono::milliseconds heartbeat{30'000};
    unsigned max_missed_pongs = 2;
    /// A session with nothing received for this long is closed (1001); zero: no limit.
    std::chrono::milliseconds idle_timeout{0};
    /// How long close() waits for the peer's close frame before dropping the connection.
    std::chrono::milliseconds close_timeout{5'000};
    /// A peer that takes none of our bytes for this long is dropped.
    std::chrono::milliseconds write_timeout{30'000};
    /// send_text/send_binary wait while more than this many bytes are unsent, so one slow
    /// client cannot make the server's memory grow; unsent() lets a writer check and drop.
    std::size_t high_water = 1024 * 1024;
    /// Split outgoing messages into frames of this many payload bytes; zero: one frame each.
    std::size_t fragment_size = 0;
};

}  // namespace tern
