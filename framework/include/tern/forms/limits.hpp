#pragma once
// tern::forms::FormLimits: how much of a form body is accepted, and where large uploads go.
#include <cstddef>
#include <string_view>

namespace tern::forms {

/// The bounds every form parser enforces, so that a client cannot make the server hold more
/// than it chose to. Passing a size limit is a FormError with status 413; the message names
/// the limit and the field. The defaults suit a browser form with a few uploads.
/// Trivially copyable on purpose: g++ 12 miscompiles a braced temporary of an aggregate with a
/// std::string member inside a co_await expression (`co_await read_form(t, body, {...})` frees
/// the string's inline buffer), and a FormLimits without one is safe to write that way.
struct FormLimits {
    /// The most parts of a multipart body, or name=value pairs of an urlencoded one. Each part
    /// costs bookkeeping even when empty, so this bounds the work a tiny body can cause.
    std::size_t max_parts = 1000;
    /// The largest value of a field that is not a file (a multipart part without a filename, or
    /// an urlencoded value or name). Fields are always held in memory.
    std::size_t max_field_size = 1024 * 1024;
    /// The largest uploaded file, in memory or on disk.
    std::size_t max_file_size = std::size_t{1} << 30;
    /// The largest header block of one multipart part (its Content-Disposition, Content-Type
    /// and any others, with their line ends). The parser buffers one header line at a time.
    std::size_t max_part_header_bytes = 8 * 1024;
    /// The most bytes held in memory for one form: every field value, every file kept in memory
    /// and an urlencoded body as a whole. A field past it is a 413; a file part that would pass
    /// it goes to a temporary file instead, whatever its size.
    std::size_t max_in_memory_bytes = 8 * 1024 * 1024;
    /// File parts up to this size stay in memory; a larger one is written to a temporary file as
    /// its bytes arrive, so an upload costs memory of about this size plus one body chunk.
    std::size_t spill_threshold = 1024 * 1024;
    /// The directory that holds spilled uploads (`<temp_dir>/tern-upload-XXXXXX`). It should be
    /// on a disk, not tmpfs, or spilling saves no memory. A view: the characters must outlive
    /// every read_form given these limits (a literal, or a string of the app's configuration).
    std::string_view temp_dir = "/tmp";
};

}  // namespace tern::forms
