#pragma once
// tern::fs: whole-file reads and writes on libuv's thread pool (aiofiles' open().read()).
#include <string>
#include <system_error>

#include <tern/core/file.hpp>   // fs::File, fs::stat, fs::realpath: files opened and used piecewise
#include <tern/core/task.hpp>

namespace tern::fs {

/// A failed file operation: the operation, the path and the OS's message, e.g.
/// `open '/tmp/missing.txt': no such file or directory`. code() holds the libuv error.
class Error : public std::system_error {
public:
    Error(std::error_code code, std::string const& operation, std::string path);
    std::string const& path() const noexcept { return path_; }

private:
    std::string path_;
};

/// Reads the whole file at `path`. Throws fs::Error if it cannot be opened or read.
Task<std::string> read_file(std::string path);

/// Replaces the file at `path` (created with mode 0644 if absent) with `data`.
/// Throws fs::Error if it cannot be opened or written.
Task<void> write_file(std::string path, std::string data);

}  // namespace tern::fs
