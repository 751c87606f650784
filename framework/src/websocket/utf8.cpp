#include <tern/websocket/utf8.hpp>

#include <cstring>

namespace tern::websocket {

namespace {

// Whether the 8 bytes at `p` are all ASCII: most text is, and skipping it a word at a time
// keeps validation far below the cost of copying the payload.
bool ascii_word(char const* p) noexcept {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    return (word & 0x8080808080808080ull) == 0;
}

}  // namespace

bool Utf8Validator::feed(std::string_view bytes) noexcept {
    if (failed_) return false;
    char const* p = bytes.data();
    char const* const end = p + bytes.size();
    while (p < end) {
        if (remaining_ == 0) {
            while (end - p >= 8 && ascii_word(p)) p += 8;
            if (p == end) break;
        }
        if (!feed_slow(static_cast<unsigned char>(*p++))) return false;
    }
    return true;
}

// One byte of the state machine: a lead byte sets how many continuation bytes follow and the
// range of the first one (RFC 3629 4's table); a continuation byte must fall in that range.
bool Utf8Validator::feed_slow(unsigned char byte) noexcept {
    if (remaining_ > 0) {
        if (byte < low_ || byte > high_) return !(failed_ = true);
        --remaining_;
        low_ = 0x80;
        high_ = 0xbf;
        return true;
    }
    if (byte < 0x80) return true;
    if (byte >= 0xc2 && byte <= 0xdf) {
        remaining_ = 1;
    } else if (byte >= 0xe0 && byte <= 0xef) {
        remaining_ = 2;
        if (byte == 0xe0) low_ = 0xa0;   // below is an overlong 2-byte form
        if (byte == 0xed) high_ = 0x9f;  // above is a surrogate, U+D800-U+DFFF
    } else if (byte >= 0xf0 && byte <= 0xf4) {
        remaining_ = 3;
        if (byte == 0xf0) low_ = 0x90;   // below is an overlong 3-byte form
        if (byte == 0xf4) high_ = 0x8f;  // above is past U+10FFFF
    } else {
        return !(failed_ = true);        // a stray continuation byte, C0, C1 or F5-FF
    }
    return true;
}

bool valid_utf8(std::string_view bytes) noexcept {
    Utf8Validator validator;
    return validator.feed(bytes) && validator.complete();
}

}  // namespace tern::websocket
