#pragma once
// Serialising frames (RFC 6455 5.2): headers, masked or not, close frames, and whole messages,
// compressed with permessage-deflate (RFC 7692 7.2.1) and fragmented if asked.
#include <tern/compress/encoder.hpp>
#include <tern/websocket/close_code.hpp>
#include <tern/websocket/frame.hpp>
#include <tern/websocket/permessage_deflate.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tern::websocket {

/// Appends a frame header to `out`, with the shortest length encoding (which the receiver
/// requires) and the mask key when `header.masked`.
void write_frame_header(std::string& out, FrameHeader const& header);

/// Appends a whole frame to `out`: the header, then `payload`, masked with `mask` if one is
/// given (a client must give a fresh random key per frame, a server none). `out` may already
/// hold other frames: nothing before its end is touched. Control frames must be whole (`fin`)
/// and carry at most 125 bytes; that is asserted.
void write_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false,
                 std::optional<MaskKey> mask = std::nullopt);

/// The longest prefix of `reason` that fits a close frame (123 bytes beside the code) and
/// ends on a UTF-8 code point boundary, so that truncating never makes the reason invalid
/// (which the peer would fail with 1007). The view points into `reason`.
std::string_view fit_close_reason(std::string_view reason) noexcept;

/// The payload of a close frame: the code in network byte order and the fitted reason.
/// `code` must be valid on the wire (not no_status or abnormal); that is asserted.
std::string close_payload(CloseCode code, std::string_view reason);

/// Appends a close frame with `code` and the fitted `reason`.
void write_close_frame(std::string& out, CloseCode code, std::string_view reason,
                       std::optional<MaskKey> mask = std::nullopt);

struct MessageWriterOptions {
    /// Our end: a client masks every frame with a key from `mask_key`, a server never masks.
    Role role = Role::server;
    /// Fresh, unpredictable mask keys, one per frame (RFC 6455 10.3: from a strong random
    /// source). Required for a client, unused by a server.
    std::function<MaskKey()> mask_key;
    /// permessage-deflate's agreed parameters, or nullopt to send messages as they are.
    std::optional<DeflateParams> deflate;
    /// zlib's level for compressed messages: 1 (fast) to 9 (small), -1 for zlib's default.
    int compression_level = 6;
    /// Split messages into frames of this many payload bytes (after compression); 0 sends
    /// each message in one frame. A receiver such as a proxy may prefer bounded frames.
    std::size_t fragment_size = 0;
};

/// Writes data messages, control frames and close frames for one end of a connection. With
/// permessage-deflate it owns the compressor, whose window carries over from message to message
/// unless our side agreed to no_context_takeover. Messages must be written in the order they
/// are sent: with context takeover each compressed message refers to the ones before it.
class MessageWriter {
public:
    /// Throws std::invalid_argument if our agreed window bits are out of zlib's 9-15
    /// (negotiate_deflate never agrees to 8 for us), compress::Error if zlib cannot start.
    explicit MessageWriter(MessageWriterOptions options);

    /// Appends `data` as a text (UTF-8, which the caller guarantees) or binary message: one or
    /// more frames, compressed when permessage-deflate is on and `compress` is true (RSV1 then
    /// marks the first frame). A message that compresses badly (already compressed media) may
    /// be sent with `compress` false; the compressor's window is unaffected.
    void write_message(std::string& out, std::string_view data, bool binary, bool compress = true);

    /// Appends a ping or pong (at most 125 bytes of payload, asserted).
    void write_control(std::string& out, Opcode opcode, std::string_view payload);

    /// Appends a close frame (see write_close_frame).
    void write_close(std::string& out, CloseCode code, std::string_view reason);

    /// Appends a close frame without a code: the answer to a peer's close that had none
    /// (Close::code no_status), which RFC 6455 7.4.1 forbids putting on the wire.
    void write_close(std::string& out);

private:
    std::optional<MaskKey> next_mask();
    void write_fragments(std::string& out, Opcode opcode, std::string_view payload, bool rsv1);
    std::string_view deflate_message(std::string_view data);

    MessageWriterOptions options_;
    std::optional<compress::Encoder> encoder_;  // with permessage-deflate only, from its first message
    int window_bits_ = 15;
    bool reset_after_message_ = false;          // our side's no_context_takeover
    std::string compressed_;                    // a compressed message, reused between messages
};

}  // namespace tern::websocket
