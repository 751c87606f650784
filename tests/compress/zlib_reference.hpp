#pragma once
// zlib's own calls, the reference the compress layer is checked against: whatever tern writes,
// zlib must read with its documented parameters, and what zlib writes, tern must read. The
// tests may include <zlib.h>; the framework's public headers may not.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <zlib.h>

namespace reference {

// zlib's windowBits for the three framings.
constexpr int gzip_bits = 15 + 16;
constexpr int zlib_bits = 15;
constexpr int raw_bits = -15;

struct Inflated {
    std::string data;
    bool ended = false;  // zlib saw the end of the stream (and checked its trailer)
    bool ok = true;      // no data error
};

// Inflates what there is of a stream, which need not be complete: a prefix that ends at a sync
// flush yields all the data before the flush.
inline Inflated inflate(std::string_view in, int window_bits) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, window_bits) == Z_OK);
    Inflated result;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buffer[4096];
    int rc = Z_OK;
    do {
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        rc = ::inflate(&z, Z_SYNC_FLUSH);
        result.data.append(buffer, sizeof buffer - z.avail_out);
    } while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
    result.ended = rc == Z_STREAM_END;
    result.ok = rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR;
    inflateEnd(&z);
    return result;
}

// One whole stream in one call.
inline std::string deflate(std::string_view in, int window_bits, int level = 6) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(::deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// zlib's classic one-shot calls, which speak only the zlib framing (HTTP's "deflate").
inline std::string uncompress(std::string_view in, std::size_t size) {
    std::string out(size, '\0');
    uLongf length = static_cast<uLongf>(size);
    REQUIRE(::uncompress(reinterpret_cast<Bytef*>(out.data()), &length, reinterpret_cast<Bytef const*>(in.data()),
                         static_cast<uLong>(in.size())) == Z_OK);
    out.resize(length);
    return out;
}

inline std::string compress2(std::string_view in, int level = 6) {
    std::string out(compressBound(static_cast<uLong>(in.size())), '\0');
    uLongf length = static_cast<uLongf>(out.size());
    REQUIRE(::compress2(reinterpret_cast<Bytef*>(out.data()), &length, reinterpret_cast<Bytef const*>(in.data()),
                        static_cast<uLong>(in.size()), level) == Z_OK);
    out.resize(length);
    return out;
}

// Text that compresses like a real body: repetitive, but not trivially so.
inline std::string sample_text(std::size_t size) {
    std::string text;
    for (unsigned i = 0; text.size() < size; ++i) {
        text += "{\"id\":" + std::to_string(i) + ",\"name\":\"item " + std::to_string(i * 7919 % 1000) + "\"},";
    }
    text.resize(size);
    return text;
}

// Bytes that do not compress: a linear congruential generator, the same every run.
inline std::string noise(std::size_t size) {
    std::string bytes(size, '\0');
    unsigned state = 12345;
    for (char& c : bytes) {
        state = state * 1103515245u + 12345u;
        c = static_cast<char>(state >> 24);
    }
    return bytes;
}

}  // namespace reference
