#pragma once
// tern::forms::UploadFile: one file of a multipart form, in memory or in a temporary file.
#include <cstdint>
#include <string>
#include <string_view>

#include <tern/core/task.hpp>

namespace tern::forms {

namespace detail {
class FormBuilder;
}

/// An uploaded file: what the client said about it, and its bytes. Small files are kept in
/// memory; a file larger than FormLimits::spill_threshold lives in a temporary file that this
/// object owns and removes when it is destroyed, unless save_as has moved it away. Move-only,
/// since two owners of one temporary file would remove it twice.
class UploadFile {
public:
    /// An upload held in memory, as read_form makes them for small files (and as tests of
    /// handlers can make them).
    UploadFile(std::string field_name, std::string filename, std::string content_type, std::string content);
    UploadFile(UploadFile&& other) noexcept;
    UploadFile& operator=(UploadFile&& other) noexcept;
    UploadFile(UploadFile const&) = delete;
    UploadFile& operator=(UploadFile const&) = delete;
    /// Removes the temporary file if this object still owns one. The unlink(2) is synchronous,
    /// on the loop thread: a destructor cannot await, and a background removal would be a
    /// task with no owner. Unlinking one file is a metadata update that costs microseconds.
    ~UploadFile();

    /// The form field the file was sent for (Content-Disposition's name).
    std::string const& field_name() const noexcept { return field_name_; }
    /// The name the client gave the file, possibly empty. Untrusted: never use it as a path.
    std::string const& filename() const noexcept { return filename_; }
    /// The part's Content-Type as sent ("text/plain" when the part had none, per RFC 7578).
    std::string const& content_type() const noexcept { return content_type_; }
    std::uint64_t size() const noexcept { return size_; }

    /// True when the bytes are in memory (content()), false when they are in a file (path()).
    bool in_memory() const noexcept { return path_.empty(); }
    /// The bytes of an in-memory file; empty for a file on disk. Valid while this object lives.
    std::string_view content() const noexcept { return content_; }
    /// The file that holds the bytes of a file on disk (the temporary file, or where save_as
    /// put it); empty for an in-memory one. Open it with fs::File::open to stream it.
    std::string const& path() const noexcept { return path_; }

    /// All the bytes, from memory or from the file on libuv's pool. The task copies what it
    /// needs, so it does not refer to this object. Throws fs::Error if the file cannot be read.
    Task<std::string> read() const;
    /// Puts the file at `destination`, replacing what is there. A temporary file is renamed
    /// (copied, then removed, across file systems) and so keeps mkstemp's mode 0600, and this
    /// object then refers to `destination` without owning it; an in-memory file is written
    /// with mode 0644 less the umask. This object must outlive the await. Throws fs::Error.
    Task<void> save_as(std::string destination);

private:
    friend class detail::FormBuilder;
    UploadFile() = default;
    void remove_owned_file() noexcept;

    std::string field_name_;
    std::string filename_;
    std::string content_type_;
    std::uint64_t size_ = 0;
    std::string content_;      // the bytes, while in memory
    std::string path_;         // the file that holds them otherwise
    bool owns_file_ = false;   // path_ is our temporary file, to remove in the destructor
};

}  // namespace tern::forms
