#include <tern/compress/decoder.hpp>

#include "zlib_stream.hpp"

#include <algorithm>
#include <limits>

namespace tern::compress {

namespace {

// The most output one inflate call may produce: the granularity of the max_output check.
constexpr std::size_t inflate_step = 16 * 1024;

// Makes room for `room` more bytes in `out`, growing geometrically as std::string would, but
// never past `ceiling`: a bomb must not turn a 1 MiB limit into a 2 MiB buffer. Not through
// out.reserve(), which libstdc++ rounds up to twice the old capacity: the larger buffer is made
// from empty, where a reservation is taken as asked, and the contents move over as a
// reallocation would move them.
void reserve_within(std::string& out, std::size_t room, std::size_t ceiling) {
    std::size_t const need = out.size() + room;
    if (need <= out.capacity()) return;
    std::string larger;
    larger.reserve(std::min(std::max(need, 2 * out.capacity()), ceiling));
    larger.append(out);
    out.swap(larger);
}

std::size_t saturating_add(std::size_t a, std::size_t b) noexcept {
    return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

}  // namespace

struct Decoder::Stream {
    z_stream z{};
    Format format;
    std::size_t max_output;
    std::size_t produced = 0;
    bool ended = false;

    Stream(Format f, std::size_t limit, int window_bits) : format(f), max_output(limit) {
        int const rc = inflateInit2(&z, detail::zlib_window_bits(format, window_bits));
        if (rc != Z_OK) detail::throw_zlib_error("inflateInit2", z, rc);
    }
    Stream(Stream const&) = delete;
    Stream& operator=(Stream const&) = delete;
    ~Stream() { inflateEnd(&z); }

    // Room for the next inflate call: a step, or what the limit has left plus one byte. Producing
    // that one byte is how we learn that the output would pass the limit.
    std::size_t next_room() const noexcept {
        std::size_t const left = max_output - produced;
        return left >= inflate_step ? inflate_step : left + 1;
    }

    // Input after the end of a stream: the next member of a gzip file, an error otherwise.
    void begin_next_member() {
        if (format != Format::gzip) throw Error("compress: data after the end of the compressed stream");
        int const rc = inflateReset(&z);
        if (rc != Z_OK) detail::throw_zlib_error("inflateReset", z, rc);
        ended = false;
    }

    // One inflate call into at most one step of fresh room. Returns whether to call again: the
    // room was filled (more output may be waiting) or a gzip member ended with input left.
    bool step(std::string& out) {
        if (ended) {
            if (z.avail_in == 0) return false;
            begin_next_member();
        }
        std::size_t const room = next_room();
        reserve_within(out, room, saturating_add(out.size(), saturating_add(max_output - produced, 1)));
        detail::open_output(z, out, room);
        int const rc = inflate(&z, Z_NO_FLUSH);
        detail::close_output(z, out);
        produced += room - z.avail_out;
        if (produced > max_output) {
            throw TooLarge("compress: the inflated data passes the limit of " + std::to_string(max_output) + " bytes");
        }
        switch (rc) {
        case Z_OK: return z.avail_out == 0;
        case Z_STREAM_END: ended = true; return z.avail_in > 0;
        case Z_BUF_ERROR: return false;  // no progress without more input
        default: detail::throw_zlib_error("inflate", z, rc);
        }
    }
};

Decoder::Decoder(Format format, std::size_t max_output, int window_bits) {
    detail::check_range(window_bits, 8, 15, "window_bits");
    stream_ = std::make_unique<Stream>(format, max_output, window_bits);
}

Decoder::Decoder(Decoder&& other) noexcept = default;
Decoder& Decoder::operator=(Decoder&& other) noexcept = default;
Decoder::~Decoder() = default;

void Decoder::write(std::string_view in, std::string& out) {
    while (!in.empty()) {
        std::string_view const slice = in.substr(0, detail::max_input_slice);
        in.remove_prefix(slice.size());
        detail::set_input(stream_->z, slice);
        while (stream_->step(out)) {
        }
    }
}

bool Decoder::finished() const noexcept { return stream_->ended; }

std::size_t Decoder::output_size() const noexcept { return stream_->produced; }

void Decoder::restart_count() noexcept { stream_->produced = 0; }

void Decoder::reset() {
    int const rc = inflateReset(&stream_->z);
    if (rc != Z_OK) detail::throw_zlib_error("inflateReset", stream_->z, rc);
    stream_->produced = 0;
    stream_->ended = false;
}

std::string decompress(std::string_view in, Format format, std::size_t max_output) {
    Decoder decoder(format, max_output);
    std::string out;
    decoder.write(in, out);
    if (!decoder.finished()) throw Error("compress: the compressed stream is truncated");
    return out;
}

}  // namespace tern::compress
