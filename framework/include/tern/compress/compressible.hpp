#pragma once
// Which responses are worth compressing, judged by their media type.
#include <string_view>

namespace tern::compress {

/// Whether a body of this Content-Type shrinks under deflate: text, JSON, XML, JavaScript, SVG,
/// WebAssembly, uncompressed fonts and the like. False for what is already compressed (JPEG, PNG,
/// video, audio, zip, gzip, woff2, PDF) and for types of unknown content (application/octet-stream,
/// multipart), where compressing burns CPU for nothing. Parameters (`; charset=utf-8`) and case
/// are ignored; an empty or malformed type is not compressible.
///
/// text/event-stream is compressible, but a Server-Sent Events stream must be flushed after each
/// event (Encoder::flush), or the events sit in zlib's buffer.
bool is_compressible(std::string_view content_type) noexcept;

}  // namespace tern::compress
