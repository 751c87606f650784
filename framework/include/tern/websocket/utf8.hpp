#pragma once
// UTF-8 validation for text messages and close reasons (RFC 6455 8.1), over fragments.
#include <cstdint>
#include <string_view>

namespace tern::websocket {

/// An incremental UTF-8 validator (RFC 3629). A text message arrives in fragments, and a code
/// point may be split between two of them, so bytes are fed as they come and the validator keeps
/// the unfinished sequence's state between feeds. It rejects what RFC 3629 forbids: stray
/// continuation bytes, overlong forms (`C0 80`), surrogates (`ED A0 80`), code points above
/// U+10FFFF (`F4 90 80 80`) and the bytes F5-FF. A message fails at the first feed whose bytes
/// cannot begin valid UTF-8, so an endpoint can fail the connection at that fragment
/// (Autobahn's "fail fast" cases), not only at the end.
class Utf8Validator {
public:
    /// Checks the next bytes. Returns false as soon as the bytes so far cannot be a prefix of
    /// valid UTF-8, and keeps returning false until reset().
    bool feed(std::string_view bytes) noexcept;

    /// Whether everything fed so far is valid and ends on a code point boundary: the check at
    /// the end of a message.
    bool complete() const noexcept { return !failed_ && remaining_ == 0; }

    /// Forgets everything fed, for the next message.
    void reset() noexcept { *this = Utf8Validator{}; }

private:
    bool feed_slow(unsigned char byte) noexcept;

    std::uint8_t remaining_ = 0;  // continuation bytes still expected in this sequence
    std::uint8_t low_ = 0x80;     // the range of the next continuation byte: narrower after
    std::uint8_t high_ = 0xbf;    // E0, ED, F0 and F4, which is how overlongs and surrogates fail
    bool failed_ = false;
};

/// Whether `bytes` is whole, valid UTF-8 (a close reason, a text message received in one piece).
bool valid_utf8(std::string_view bytes) noexcept;

}  // namespace tern::websocket
