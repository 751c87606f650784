#pragma once
// What the encoder and the decoder share of zlib: how a Format is spelled to zlib, how output
// is appended to a std::string, and how zlib's failures become exceptions.
#include <tern/compress/format.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include <zlib.h>

namespace tern::compress::detail {

/// The most input handed to zlib per call: avail_in is 32 bits, a string_view is not.
constexpr std::size_t max_input_slice = std::size_t{1} << 30;

/// zlib's windowBits for a format: +16 asks for gzip framing, a negative value for none (raw).
int zlib_window_bits(Format format, int window_bits) noexcept;

/// Throws std::invalid_argument naming `what` unless low <= value <= high. The parameters often
/// come from a negotiation (permessage-deflate's window bits), so they are checked, not asserted.
void check_range(int value, int low, int high, char const* what);

/// Points the stream's input at `in`, which must stay valid until zlib has consumed it
/// (the end of the call that loops over it). `in` is at most max_input_slice bytes.
void set_input(z_stream& stream, std::string_view in) noexcept;

/// Appends `room` bytes to `out` and aims the stream's output at them; close_output() gives back
/// what zlib did not fill. Between the two, `out` must not be touched.
void open_output(z_stream& stream, std::string& out, std::size_t room);
void close_output(z_stream const& stream, std::string& out) noexcept;

/// Throws Error naming the zlib call and zlib's own reason (its msg, or zError of the code).
[[noreturn]] void throw_zlib_error(char const* call, z_stream const& stream, int code);

}  // namespace tern::compress::detail
