#pragma once
// A streaming inflater over zlib with an output limit, for compressed request bodies and
// WebSocket messages: input comes from the network, so it may be corrupt or a bomb.
#include <tern/compress/error.hpp>
#include <tern/compress/format.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace tern::compress {

/// One decompression stream with a ceiling on what it may inflate. The limit is checked while
/// inflating, a bounded step (16 KiB) at a time, so a kilobyte that would inflate to gigabytes
/// costs at most max_output bytes of memory before it is refused, never the gigabytes.
///
/// Move-only; a moved-from Decoder may only be destroyed or assigned to.
class Decoder {
public:
    /// `max_output` bounds the bytes inflated since construction, reset() or restart_count().
    /// `window_bits` 8 to 15 must be at least the encoder's; 15 decodes every stream, so lower it
    /// only to save memory (32 KiB per stream) when the peer promised a smaller window.
    /// Throws std::invalid_argument for window_bits out of range, Error if zlib refuses to start.
    Decoder(Format format, std::size_t max_output, int window_bits = 15);
    Decoder(Decoder&& other) noexcept;
    Decoder& operator=(Decoder&& other) noexcept;
    ~Decoder();

    /// Inflates `in`, appending to `out` (what `out` held stays). Input may arrive in any pieces;
    /// a gzip stream may hold several members (RFC 1952 2.2), decoded one after the other.
    /// Throws Error on corrupt input or on input after the end of a deflate or raw stream, and
    /// TooLarge when the output would pass max_output; `out` then holds up to max_output + 1
    /// new bytes, and the stream is unusable until reset().
    void write(std::string_view in, std::string& out);

    /// True once a whole stream has been decoded and its checksum verified. A body whose stream
    /// has not finished when the body ends was truncated. A raw stream from permessage-deflate
    /// never finishes unless the peer sent a final block (then reset() before the next message).
    bool finished() const noexcept;

    /// The bytes inflated since construction, reset() or restart_count().
    std::size_t output_size() const noexcept;

    /// Counts output from zero again, keeping the stream and its window: with permessage-deflate's
    /// context takeover the stream spans messages, but max_output is a per-message limit.
    void restart_count() noexcept;

    /// Starts a new stream, forgetting the window (permessage-deflate's no_context_takeover, or
    /// the next body), and counts output from zero.
    void reset();

private:
    struct Stream;  // the z_stream, in decoder.cpp
    std::unique_ptr<Stream> stream_;
};

/// Inflates the whole of `in`: Decoder, one write, and a check that the stream finished.
/// Throws Error on corrupt or truncated input, TooLarge past max_output.
std::string decompress(std::string_view in, Format format, std::size_t max_output);

}  // namespace tern::compress
