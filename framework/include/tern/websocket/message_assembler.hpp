#pragma once
// From frames to messages (RFC 6455 5.4, 5.5; RFC 7692 6.2): fragments joined, control frames
// between them passed on, text checked as UTF-8, compressed messages inflated, sizes bounded.
#include <tern/compress/decoder.hpp>
#include <tern/websocket/close_code.hpp>
#include <tern/websocket/failure.hpp>
#include <tern/websocket/frame.hpp>
#include <tern/websocket/frame_parser.hpp>
#include <tern/websocket/permessage_deflate.hpp>
#include <tern/websocket/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tern::websocket {

/// A whole data message: text (valid UTF-8) or binary, inflated if it came compressed.
struct Message {
    bool binary = false;
    std::string data;
};

/// A ping: the endpoint answers with a pong carrying the same payload (at most 125 bytes).
struct Ping {
    std::string payload;
};

/// A pong, solicited or not (RFC 6455 5.5.3 allows unsolicited ones as heartbeats).
struct Pong {
    std::string payload;
};

/// The peer's close frame, checked: `code` is valid on the wire, or no_status when the frame
/// had no payload; `reason` is valid UTF-8. The endpoint answers with a close frame (echoing
/// the code is customary) unless it sent one first, and reads no further.
struct Close {
    CloseCode code = CloseCode::no_status;
    std::string reason;
};

/// `in` is used up before an event is complete: read more bytes and call next() again.
struct NeedMore {
    friend bool operator==(NeedMore, NeedMore) = default;
};

/// What next() found. A Failure means: send a close frame with its code and reason, and stop.
using Event = std::variant<NeedMore, Message, Ping, Pong, Close, Failure>;

struct AssemblerOptions {
    /// Our end of the connection (which masking the parser demands).
    Role role = Role::server;
    /// The largest message, after inflating; a larger one fails with 1009 as soon as a header
    /// announces it (or the inflater passes it), before the rest is read.
    std::size_t max_message_size = 16 * 1024 * 1024;
    /// permessage-deflate's agreed parameters, or nullopt when it was not negotiated.
    std::optional<DeflateParams> deflate;
};

/// Reads messages and control frames off the wire:
///
///     Event next(std::string_view& in);
///
/// consumes bytes from the front of `in` until one event is complete or `in` is used up
/// (NeedMore). Everything kept between calls is copied out of `in`, so the caller may discard
/// the consumed bytes as soon as next() returns. Call next() again after each event other than
/// NeedMore, Close and Failure: more events may be in the bytes left. After a Failure, next()
/// only repeats it.
///
/// The rules, each failing with the code in brackets: a continuation frame with no message
/// started, or a text or binary frame while one is [1002]; a message over max_message_size,
/// counted over its fragments [1009]; text that is not UTF-8, found at the fragment where it
/// goes wrong or at the end if a code point is cut off [1007]; a compressed message that does
/// not inflate [1007]; a close payload of one byte or with an invalid code [1002] or a reason
/// that is not UTF-8 [1007]; and every rule of FrameParser.
class MessageAssembler {
public:
    /// Throws compress::Error if zlib cannot start an inflater.
    explicit MessageAssembler(AssemblerOptions options);

    Event next(std::string_view& in);

    /// Whether a fragmented message has started and not ended: a session that is closing may
    /// want to know that a message was cut short.
    bool in_message() const noexcept { return in_message_; }

private:
    std::string& target() noexcept;
    std::optional<Failure> on_header();
    void start_message(FrameHeader const& header);
    std::optional<Failure> take_payload(std::size_t from);
    std::optional<Failure> inflate(std::string_view compressed);
    std::optional<Failure> check_text(std::size_t from);
    Event end_frame();
    Event end_message();
    Event end_control();
    Event fail(Failure failure);
    std::uint64_t wire_limit() const noexcept;

    AssemblerOptions options_;
    FrameParser parser_;
    std::optional<compress::Decoder> decoder_;  // with permessage-deflate only, from its first message
    int window_bits_ = 15;
    bool reset_after_message_ = false;          // the peer's no_context_takeover
    bool in_payload_ = false;                   // between a header and its frame's end
    bool in_message_ = false;
    bool compressed_ = false;                   // the current message had RSV1
    Message message_;
    std::uint64_t wire_size_ = 0;               // the current message's payload bytes on the wire
    Utf8Validator utf8_;
    std::string control_;                       // a control frame's payload
    std::string scratch_;                       // compressed bytes, unmasked, before inflating
    std::optional<Failure> failure_;
};

}  // namespace tern::websocket
