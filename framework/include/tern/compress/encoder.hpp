#pragma once
// A streaming deflate compressor over zlib, for response bodies (whole or streamed) and for
// WebSocket messages. zlib's header stays in the sources: the stream is behind a pimpl.
#include <tern/compress/error.hpp>
#include <tern/compress/format.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace tern::compress {

/// The four bytes a sync flush ends with: an empty stored block. RFC 7692 7.2.1 has a sender
/// strip them from every compressed message and the receiver append them again before inflating.
inline constexpr std::string_view sync_flush_tail{"\x00\x00\xff\xff", 4};

/// One compression stream. Feed it with write(), make what was written decodable with flush()
/// (a streamed response's chunk, a WebSocket message), end it with finish() (the trailer).
/// Every call appends its output to `out` and never touches what `out` already holds, so a caller
/// can compress straight into a buffer that already holds headers or a frame header.
///
/// Move-only; a moved-from Encoder may only be destroyed or assigned to. Not thread-safe: one
/// stream belongs to one connection.
class Encoder {
public:
    /// `level` is zlib's: 0 (store) to 9 (smallest), or -1 for zlib's default (6).
    /// `window_bits` 9 to 15: the window is 2^window_bits bytes, and a decoder needs at least as
    /// large a window; permessage-deflate's `server_max_window_bits` lowers it. zlib cannot
    /// compress with 8 (it would silently use 9), so an offer that limits us to 8 is declined.
    /// `mem_level` 1 to 9: memory for the compression state, speed against size.
    /// Throws std::invalid_argument for a parameter out of range, Error if zlib refuses to start.
    explicit Encoder(Format format, int level = 6, int window_bits = 15, int mem_level = 8);
    Encoder(Encoder&& other) noexcept;
    Encoder& operator=(Encoder&& other) noexcept;
    ~Encoder();

    /// Compresses `in`. zlib buffers input to find matches, so this often appends nothing until
    /// enough input has arrived; call flush() or finish() to get it out.
    void write(std::string_view in, std::string& out);

    /// Emits everything written so far (Z_SYNC_FLUSH), so that a decoder given the output so far
    /// can produce all the input so far: a Server-Sent Event or a streamed chunk reaches the client
    /// now, not when zlib's buffer fills. The output always ends with sync_flush_tail: with
    /// nothing written since the last flush it is an empty stored block of five bytes, so that
    /// each flush marks a boundary (an empty permessage-deflate message is the byte 00). Each
    /// flush costs a few bytes and some ratio, so flush per event, not per byte.
    void flush(std::string& out);

    /// Ends the stream (Z_FINISH): the rest of the data, the final block and the format's trailer.
    /// After finish(), only reset() or destruction.
    void finish(std::string& out);

    /// Starts a new stream with the same parameters, forgetting the window. Cheaper than a new
    /// Encoder (no allocation). Permessage-deflate's `server_no_context_takeover` is a reset()
    /// after each message.
    void reset();

private:
    struct Stream;  // the z_stream, in encoder.cpp
    std::unique_ptr<Stream> stream_;
};

/// Compresses `in` as one whole stream: Encoder, write and finish. For bodies known in full.
std::string compress(std::string_view in, Format format, int level = 6);

}  // namespace tern::compress
