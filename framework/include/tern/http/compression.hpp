#pragma once
// The compression middleware: gzip or deflate bodies for clients that accept them.
#include <cstddef>
#include <vector>

#include <tern/compress/accept_encoding.hpp>
#include <tern/http/middleware.hpp>

namespace tern {

struct CompressionOptions {
    /// zlib's level, 1 (fast) to 9 (small); 6 is zlib's and nginx's usual choice.
    int level = 6;
    /// Buffered bodies smaller than this are sent as they are: the gain would not pay for the
    /// work. Streamed bodies are compressed whatever their size (it is not known in advance).
    std::size_t min_size = 1024;
    /// What the server offers, in its order of preference.
    std::vector<compress::Coding> codings{compress::Coding::gzip, compress::Coding::deflate};
};

/// Compresses responses whose type is compressible (text, JSON, XML, SVG, JavaScript, event
/// streams) for clients whose Accept-Encoding accepts a coding offered (q-values honoured), and
/// adds `Vary: Accept-Encoding` to every response of a compressible type, compressed or not.
/// Never compresses twice (a response that has Content-Encoding already, such as a precompressed
/// static file), nor 1xx/204/304 responses, bodiless ones, `Cache-Control: no-transform`, or
/// file bodies (they go out with sendfile; serve `name.gz` beside them instead). A streamed body
/// is compressed chunk by chunk, each chunk flushed so that Server-Sent Events still arrive when
/// sent. A strong ETag becomes weak, as the bytes are no longer the resource's own.
/// Register it inside the access log (the log then reports the compressed size).
Middleware compression(CompressionOptions options = {});

}  // namespace tern
