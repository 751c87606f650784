#pragma once
// The exceptions of the compress layer. A caller that decodes a request body maps Error to 400
// and TooLarge to 413; a WebSocket maps them to close codes 1007 and 1009.
#include <stdexcept>

namespace tern::compress {

/// zlib refused the data or the stream: corrupt or wrongly framed input, a bad checksum, data
/// after the end of a stream, or (rarely) zlib running out of memory. The message names zlib's
/// own reason ("incorrect header check", "invalid distance too far back").
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The inflated output would pass the decoder's max_output: a decompression bomb, or simply a
/// body larger than the caller allows. Derived from Error so that one handler can catch both.
class TooLarge : public Error {
public:
    using Error::Error;
};

}  // namespace tern::compress
