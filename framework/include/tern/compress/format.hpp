#pragma once
// The three framings zlib can put around a deflate stream.

namespace tern::compress {

/// How a deflate stream is wrapped. The same compressed blocks, three framings.
enum class Format {
    gzip,     ///< RFC 1952 header and CRC-32 trailer: HTTP's "gzip" coding, `.gz` files.
    deflate,  ///< RFC 1950 zlib header and Adler-32 trailer: what HTTP's "deflate" coding means.
    raw,      ///< RFC 1951 blocks only, no header or checksum: WebSocket permessage-deflate (RFC 7692).
};

}  // namespace tern::compress
