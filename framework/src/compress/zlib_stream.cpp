#include "zlib_stream.hpp"

#include <tern/compress/error.hpp>

#include <stdexcept>
#include <string>

namespace tern::compress::detail {

int zlib_window_bits(Format format, int window_bits) noexcept {
    switch (format) {
    case Format::gzip: return window_bits + 16;
    case Format::deflate: return window_bits;
    case Format::raw: return -window_bits;
    }
    return window_bits;
}

void check_range(int value, int low, int high, char const* what) {
    if (value < low || value > high) {
        throw std::invalid_argument("compress: " + std::string(what) + " " + std::to_string(value) + " is not in " +
                                    std::to_string(low) + ".." + std::to_string(high));
    }
}

void set_input(z_stream& stream, std::string_view in) noexcept {
    // zlib never writes through next_in; the cast only drops const for its C interface.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream.avail_in = static_cast<uInt>(in.size());
}

void open_output(z_stream& stream, std::string& out, std::size_t room) {
    std::size_t const used = out.size();
    out.resize(used + room);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(room);
}

void close_output(z_stream const& stream, std::string& out) noexcept {
    out.resize(out.size() - stream.avail_out);
}

void throw_zlib_error(char const* call, z_stream const& stream, int code) {
    char const* reason = stream.msg != nullptr ? stream.msg : zError(code);
    throw Error("compress: zlib " + std::string(call) + ": " + reason);
}

}  // namespace tern::compress::detail
