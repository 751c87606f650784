#pragma once
// Negotiating permessage-deflate (RFC 7692 5 and 7.1) from Sec-WebSocket-Extensions.
#include <optional>
#include <string>
#include <string_view>

namespace tern::websocket {

/// The agreed parameters of permessage-deflate, named as on the wire: `server_*` binds what the
/// server sends, `client_*` what the client sends, whichever end this one is.
struct DeflateParams {
    /// The server resets its compressor after each message (so the client may reset its
    /// decompressor): each server message inflates on its own.
    bool server_no_context_takeover = false;
    /// The same for the client's messages.
    bool client_no_context_takeover = false;
    /// The LZ77 window (2^bits bytes) the server compresses with: 9 to 15 here (see
    /// negotiate_deflate for 8).
    int server_max_window_bits = 15;
    /// The window the client compresses with.
    int client_max_window_bits = 15;

    friend bool operator==(DeflateParams const&, DeflateParams const&) = default;
};

/// Reads a Sec-WebSocket-Extensions value (several header lines joined with ", ") and returns
/// the parameters to use, or nullopt for "no compression".
///
/// `server_side` true: the value is the client's offers. The first permessage-deflate offer we
/// can accept wins; an offer with an unknown or repeated parameter, a parameter value that is
/// not a decimal 8-15 (bare or quoted), or server_max_window_bits=8 (zlib cannot compress with
/// a 256-byte window) is declined and the next one tried (RFC 7692 5.1). client_max_window_bits
/// may come without a value: the client merely lets us pick, and we keep 15. Other extensions
/// are skipped. Answer with deflate_response_header() of the result.
///
/// `server_side` false: the value is the server's answer to our offer. nullopt means the
/// answer is unacceptable or absent; if the header named permessage-deflate at all, the client
/// must then fail the connection (RFC 7692 5.1, 1010). Here client_max_window_bits needs a
/// value, and 8 is refused for the same reason as above.
std::optional<DeflateParams> negotiate_deflate(std::string_view sec_websocket_extensions, bool server_side);

/// The server's Sec-WebSocket-Extensions value accepting `params`:
/// "permessage-deflate; server_no_context_takeover; server_max_window_bits=10", with each
/// window bits parameter only when below 15.
std::string deflate_response_header(DeflateParams const& params);

/// The client's offer: "permessage-deflate; client_max_window_bits", to which a server may
/// answer with any parameters.
std::string deflate_offer_header();

}  // namespace tern::websocket
