#pragma once
// A push parser for RFC 6455 frames with no I/O: bytes in, in any split; headers checked and
// payloads unmasked out.
#include <tern/websocket/failure.hpp>
#include <tern/websocket/frame.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern::websocket {

/// What FrameParser checks against.
struct FrameParserOptions {
    /// Our end: a server requires masked frames, a client refuses them (1002 either way).
    Role role = Role::server;
    /// Whether permessage-deflate was negotiated, which is what allows RSV1 (on a text or binary
    /// frame only: a continuation or control frame with RSV1 is a protocol error, RFC 7692 6.1).
    bool deflate = false;
    /// The largest payload one frame may announce; a larger one fails with 1009 as soon as its
    /// header is read, before any payload is buffered.
    std::uint64_t max_frame_size = 16 * 1024 * 1024;
};

/// Reads frames one after the other. Each call takes what it can from the front of `in`:
///
///     Step parse(std::string_view& in, std::string& payload);
///
/// - `header`: a whole header was read and checked; header() describes the frame. The caller
///   now decides where the payload goes (the message, a control frame buffer, a scratch buffer
///   to inflate from) and passes that string to the next calls.
/// - `need_more`: `in` is used up; the frame's payload read so far was appended, unmasked, to
///   `payload`. Call again when more bytes have arrived.
/// - `frame_end`: the rest of the frame's payload was appended to `payload`; the next call
///   starts on the next frame's header. A frame with an empty payload gives header, then
///   frame_end (even with `in` empty).
/// - `failed`: the header broke a rule of RFC 6455 5.2 or the size limit; failure() says which.
///   The parser stays failed: the connection must be failed, not read on.
///
/// The payload is copied once, from `in` into `payload`, unmasked on the way. The parser keeps
/// no pointer into `in` after a call returns, so the caller may discard the consumed bytes (the
/// front of `in` before the call up to its front after) at once.
class FrameParser {
public:
    enum class Step { need_more, header, frame_end, failed };

    explicit FrameParser(FrameParserOptions options = {}) noexcept : options_(options) {}

    Step parse(std::string_view& in, std::string& payload);

    /// The current frame's header: valid from the `header` step until the next `header`.
    FrameHeader const& header() const noexcept { return header_; }

    /// Payload bytes of the current frame not read yet.
    std::uint64_t payload_left() const noexcept { return left_; }

    /// Why parsing failed; meaningful after Step::failed.
    Failure const& failure() const noexcept { return failure_; }

    /// Changes the frame size limit, for frames whose header has not been read yet.
    void set_max_frame_size(std::uint64_t max) noexcept { options_.max_frame_size = max; }

private:
    enum class State { header, payload, failed };

    Step read_header(std::string_view& in);
    Step read_payload(std::string_view& in, std::string& payload);
    std::optional<Failure> decode_header() noexcept;
    std::optional<Failure> check_header() const noexcept;
    Step fail(Failure failure) noexcept;

    FrameParserOptions options_;
    State state_ = State::header;
    FrameHeader header_;
    std::uint64_t left_ = 0;      // payload bytes still to read
    std::uint64_t offset_ = 0;    // payload bytes read, for the mask's phase
    std::array<std::uint8_t, max_header_size> raw_{};  // a header arriving in pieces
    std::size_t raw_size_ = 0;
    Failure failure_;
};

}  // namespace tern::websocket
