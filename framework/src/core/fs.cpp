#include <tern/core/fs.hpp>

#include <fcntl.h>

#include <exception>
#include <fmt/format.h>

#include "fs_request.hpp"

namespace tern::fs {

using detail::FsRequest;

Error::Error(std::error_code code, std::string const& operation, std::string path)
    : std::system_error(code, fmt::format("{} '{}'", operation, path)), path_(std::move(path)) {}

namespace {

constexpr std::size_t first_read_size = 64 * 1024;   // grows by doubling for larger files

void throw_if_failed(std::int64_t result, char const* operation, std::string const& path) {
    if (result < 0) throw Error(uv_error(static_cast<int>(result)), operation, path);
}

Task<uv_file> open_file(std::string const& path, int flags, int mode) {
    FsRequest open{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
        return uv_fs_open(loop, req, path.c_str(), flags, mode, cb);
    }};
    auto const fd = co_await open;
    throw_if_failed(fd, "open", path);
    co_return static_cast<uv_file>(fd);
}

// Shielded from cancellation: a descriptor we opened is always closed.
Task<std::int64_t> close_file(uv_file fd) {
    FsRequest close{[fd](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) { return uv_fs_close(loop, req, fd, cb); },
                    /*shielded=*/true};
    co_return co_await close;
}

Task<std::string> read_all(uv_file fd, std::string const& path) {
    std::string data(first_read_size, '\0');
    std::size_t used = 0;
    for (;;) {
        if (used == data.size()) data.resize(data.size() * 2);
        uv_buf_t buf = uv_buf_init(data.data() + used, static_cast<unsigned>(data.size() - used));
        FsRequest read{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
            return uv_fs_read(loop, req, fd, &buf, 1, static_cast<std::int64_t>(used), cb);
        }};
        auto const n = co_await read;
        throw_if_failed(n, "read", path);
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    data.resize(used);
    co_return data;
}

Task<void> write_all(uv_file fd, std::string const& path, std::string const& data) {
    std::size_t written = 0;
    while (written < data.size()) {
        uv_buf_t buf = uv_buf_init(const_cast<char*>(data.data()) + written,
                                   static_cast<unsigned>(data.size() - written));
        FsRequest write{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
            return uv_fs_write(loop, req, fd, &buf, 1, static_cast<std::int64_t>(written), cb);
        }};
        auto const n = co_await write;
        throw_if_failed(n, "write", path);
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

// The helpers above take references into this frame, which outlives each of their awaits.
Task<std::string> read_file(std::string path) {
    uv_file const fd = co_await open_file(path, O_RDONLY | O_CLOEXEC, 0);
    std::exception_ptr failure;
    std::string data;
    try {
        data = co_await read_all(fd, path);
    } catch (...) {
        failure = std::current_exception();
    }
    auto const closed = co_await close_file(fd);
    if (failure) std::rethrow_exception(failure);
    throw_if_failed(closed, "close", path);
    co_return data;
}

Task<void> write_file(std::string path, std::string data) {
    uv_file const fd = co_await open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    std::exception_ptr failure;
    try {
        co_await write_all(fd, path, data);
    } catch (...) {
        failure = std::current_exception();
    }
    auto const closed = co_await close_file(fd);
    if (failure) std::rethrow_exception(failure);
    throw_if_failed(closed, "close", path);
}

}  // namespace tern::fs
