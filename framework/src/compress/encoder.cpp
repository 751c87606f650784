#include <tern/compress/encoder.hpp>

#include "zlib_stream.hpp"

#include <algorithm>
#include <stdexcept>

namespace tern::compress {

namespace {

// Room for one deflate call: a little more than the input it has left, within bounds. Most
// calls without a flush emit nothing (zlib collects input), so a small floor avoids zero-filling
// kilobytes for every short write; a flush or finish loops until all is out.
std::size_t output_step(std::size_t pending_input) noexcept {
    constexpr std::size_t floor = 512;
    constexpr std::size_t ceiling = 64 * 1024;
    return std::clamp(pending_input + 64, floor, ceiling);
}

// A stored block of no bytes, not final: what a sync flush emits, three header bits padded to a
// byte, then LEN 0 and NLEN ~0. Appended by hand when zlib has nothing to flush, which is valid
// there because the stream is byte-aligned right after zlib's previous sync flush.
constexpr std::string_view empty_stored_block{"\x00\x00\x00\xff\xff", 5};

}  // namespace

struct Encoder::Stream {
    z_stream z{};
    bool finished = false;

    Stream(Format format, int level, int window_bits, int mem_level) {
        int const rc = deflateInit2(&z, level, Z_DEFLATED, detail::zlib_window_bits(format, window_bits), mem_level,
                                    Z_DEFAULT_STRATEGY);
        if (rc != Z_OK) detail::throw_zlib_error("deflateInit2", z, rc);
    }
    Stream(Stream const&) = delete;
    Stream& operator=(Stream const&) = delete;
    ~Stream() { deflateEnd(&z); }

    // Calls deflate with `flush` until zlib has taken the whole input and, for a flush or a
    // finish, emitted all it owes: zlib's rule is that output is complete once a call leaves
    // output space unused (Z_FINISH: once it returns Z_STREAM_END).
    void run(int flush, std::string& out) {
        if (finished) throw std::logic_error("compress::Encoder: the stream is finished; reset() it first");
        for (;;) {
            detail::open_output(z, out, output_step(z.avail_in));
            int const rc = deflate(&z, flush);
            detail::close_output(z, out);
            if (rc == Z_STREAM_END) {
                finished = true;
                return;
            }
            if (rc == Z_BUF_ERROR) return;  // no progress possible: nothing new since the last flush
            if (rc != Z_OK) detail::throw_zlib_error("deflate", z, rc);
            if (flush != Z_FINISH && z.avail_out != 0) return;
        }
    }
};

Encoder::Encoder(Format format, int level, int window_bits, int mem_level) {
    detail::check_range(level, -1, 9, "level");
    detail::check_range(window_bits, 9, 15, "window_bits");
    detail::check_range(mem_level, 1, 9, "mem_level");
    stream_ = std::make_unique<Stream>(format, level, window_bits, mem_level);
}

Encoder::Encoder(Encoder&& other) noexcept = default;
Encoder& Encoder::operator=(Encoder&& other) noexcept = default;
Encoder::~Encoder() = default;

void Encoder::write(std::string_view in, std::string& out) {
    while (!in.empty()) {
        std::string_view const slice = in.substr(0, detail::max_input_slice);
        in.remove_prefix(slice.size());
        detail::set_input(stream_->z, slice);
        stream_->run(Z_NO_FLUSH, out);
    }
}

void Encoder::flush(std::string& out) {
    std::size_t const before = out.size();
    detail::set_input(stream_->z, {});
    stream_->run(Z_SYNC_FLUSH, out);
    // zlib answers a second flush in a row with Z_BUF_ERROR and no bytes; every flush must still
    // mark a boundary (RFC 7692 sends an empty message as the byte 00).
    if (out.size() == before) out.append(empty_stored_block);
}

void Encoder::finish(std::string& out) {
    detail::set_input(stream_->z, {});
    stream_->run(Z_FINISH, out);
}

void Encoder::reset() {
    int const rc = deflateReset(&stream_->z);
    if (rc != Z_OK) detail::throw_zlib_error("deflateReset", stream_->z, rc);
    stream_->finished = false;
}

std::string compress(std::string_view in, Format format, int level) {
    Encoder encoder(format, level);
    std::string out;
    encoder.write(in, out);
    encoder.finish(out);
    return out;
}

}  // namespace tern::compress
