#pragma once
// tern::fs::File: an open file whose every operation runs on libuv's thread pool, so a slow disk
// never stalls the loop. The building block of static files, uploads spilled to disk and sendfile.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <tern/core/task.hpp>

namespace tern::fs {

/// What fstat/stat tell about a file, as the static-file code needs it (ETag, Last-Modified).
struct Stat {
    std::uint64_t size = 0;
    std::int64_t mtime_sec = 0;
    std::int64_t mtime_nsec = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;
    bool regular = false;
    bool directory = false;
};

/// An open file descriptor, owned: move-only, closed by close() (asynchronously, on the pool) or,
/// if the owner forgot or was cancelled, synchronously by the destructor (close(2) on a file
/// is quick and must not be skipped: descriptors are the scarce resource). Every failure
/// throws fs::Error naming the operation and the path.
class File {
public:
    File() noexcept = default;
    File(File&& other) noexcept : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}
    File& operator=(File&& other) noexcept;
    ~File() { close_now(); }

    /// Opens `path` (flags as open(2); O_CLOEXEC is always added).
    static Task<File> open(std::string path, int flags = O_RDONLY, int mode = 0644);
    /// Creates and opens a new file named `prefix` + six random characters (mkstemp(3)), for
    /// uploads that are too large to keep in memory. path() holds the name chosen.
    static Task<File> create_temp(std::string prefix);
    /// Opens `path` read-only now, blocking: for code already on a worker thread (to_thread)
    /// that makes several file calls in one hand-off. A closed File when it cannot be opened.
    static File open_now(std::string path) noexcept;

    bool is_open() const noexcept { return fd_ >= 0; }
    int fd() const noexcept { return fd_; }
    std::string const& path() const noexcept { return path_; }

    Task<Stat> stat() const;
    /// fstat(2) now, blocking, as open_now; nullopt when it fails.
    std::optional<Stat> stat_now() const noexcept;
    /// Reads up to into.size() bytes at `offset`; 0 at the end of the file.
    Task<std::size_t> read(std::uint64_t offset, std::span<char> into) const;
    /// Writes all of `bytes` at `offset`; `bytes` must stay valid until the await ends.
    Task<void> write_all(std::uint64_t offset, std::string_view bytes) const;
    /// Closes now, on the pool; shielded from cancellation. Idempotent.
    Task<void> close();

private:
    File(int fd, std::string path) noexcept : fd_(fd), path_(std::move(path)) {}
    void close_now() noexcept;

    int fd_ = -1;
    std::string path_;
};

/// stat(2) of a path (symlinks followed). Throws fs::Error (code() UV_ENOENT when missing).
Task<Stat> stat(std::string path);
/// The canonical absolute path, symlinks resolved (realpath(3)). Throws fs::Error.
Task<std::string> realpath(std::string path);
/// stat(2) of a path now, blocking, as File::open_now; nullopt when it fails (missing, no
/// permission): for lookups where "not there" is a common answer.
std::optional<Stat> stat_now(std::string const& path) noexcept;
/// Removes a file. Throws fs::Error.
Task<void> remove(std::string path);

/// Sends up to `length` bytes of `in` from `offset` to the socket `out` with sendfile(2), on the
/// pool. Returns the bytes sent, or a negative libuv error: UV_EAGAIN when the socket's buffer is
/// full (the caller waits for it to drain and tries again). Never throws for I/O errors.
Task<std::int64_t> send_file(int out, File const& in, std::uint64_t offset, std::size_t length);

}  // namespace tern::fs
