#include <tern/core/file.hpp>

#include <fcntl.h>

#include <tern/core/fs.hpp>

#include "fs_request.hpp"

namespace tern::fs {

using detail::FsRequest;

namespace {

void throw_if_failed(std::int64_t result, char const* operation, std::string const& path) {
    if (result < 0) throw Error(uv_error(static_cast<int>(result)), operation, path);
}

Stat to_stat(uv_stat_t const& s) noexcept {
    return Stat{.size = s.st_size,
                .mtime_sec = static_cast<std::int64_t>(s.st_mtim.tv_sec),
                .mtime_nsec = static_cast<std::int64_t>(s.st_mtim.tv_nsec),
                .inode = s.st_ino,
                .device = s.st_dev,
                .regular = (s.st_mode & S_IFMT) == S_IFREG,
                .directory = (s.st_mode & S_IFMT) == S_IFDIR};
}

}  // namespace

File& File::operator=(File&& other) noexcept {
    if (this != &other) {
        close_now();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

void File::close_now() noexcept {
    if (fd_ < 0) return;
    uv_fs_t req;
    uv_fs_close(nullptr, &req, std::exchange(fd_, -1), nullptr);   // no loop: synchronous
    uv_fs_req_cleanup(&req);
}

Task<File> File::open(std::string path, int flags, int mode) {
    FsRequest open{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
        return uv_fs_open(loop, req, path.c_str(), flags | O_CLOEXEC, mode, cb);
    }};
    auto const fd = co_await open;
    throw_if_failed(fd, "open", path);
    co_return File{static_cast<int>(fd), std::move(path)};
}

Task<File> File::create_temp(std::string prefix) {
    std::string const pattern = prefix + "XXXXXX";
    FsRequest make{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
        return uv_fs_mkstemp(loop, req, pattern.c_str(), cb);
    }};
    auto const fd = co_await make;
    throw_if_failed(fd, "mkstemp", pattern);
    co_return File{static_cast<int>(fd), std::string(make.request().path)};
}

Task<Stat> File::stat() const {
    FsRequest stat{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) { return uv_fs_fstat(loop, req, fd_, cb); }};
    throw_if_failed(co_await stat, "fstat", path_);
    co_return to_stat(stat.request().statbuf);
}

Task<std::size_t> File::read(std::uint64_t offset, std::span<char> into) const {
    uv_buf_t buf = uv_buf_init(into.data(), static_cast<unsigned>(into.size()));
    FsRequest read{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
        return uv_fs_read(loop, req, fd_, &buf, 1, static_cast<std::int64_t>(offset), cb);
    }};
    auto const n = co_await read;
    throw_if_failed(n, "read", path_);
    co_return static_cast<std::size_t>(n);
}

Task<void> File::write_all(std::uint64_t offset, std::string_view bytes) const {
    std::size_t written = 0;
    while (written < bytes.size()) {
        uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes.data()) + written,
                                   static_cast<unsigned>(bytes.size() - written));
        FsRequest write{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
            return uv_fs_write(loop, req, fd_, &buf, 1, static_cast<std::int64_t>(offset + written), cb);
        }};
        auto const n = co_await write;
        throw_if_failed(n, "write", path_);
        written += static_cast<std::size_t>(n);
    }
}

Task<void> File::close() {
    if (fd_ < 0) co_return;
    int const fd = std::exchange(fd_, -1);
    FsRequest close{[fd](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) { return uv_fs_close(loop, req, fd, cb); },
                    /*shielded=*/true};
    throw_if_failed(co_await close, "close", path_);
}

Task<Stat> stat(std::string path) {
    FsRequest stat{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) { return uv_fs_stat(loop, req, path.c_str(), cb); }};
    throw_if_failed(co_await stat, "stat", path);
    co_return to_stat(stat.request().statbuf);
}

Task<std::string> realpath(std::string path) {
    FsRequest real{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
        return uv_fs_realpath(loop, req, path.c_str(), cb);
    }};
    throw_if_failed(co_await real, "realpath", path);
    co_return std::string(static_cast<char const*>(real.request().ptr));
}

// The blocking calls: libuv without a loop runs the call at once, and borrows the path
// rather than copying it.
File File::open_now(std::string path) noexcept {
    uv_fs_t req;
    int const fd = uv_fs_open(nullptr, &req, path.c_str(), O_RDONLY | O_CLOEXEC, 0, nullptr);
    uv_fs_req_cleanup(&req);
    if (fd < 0) return File{};
    return File{fd, std::move(path)};
}

std::optional<Stat> File::stat_now() const noexcept {
    uv_fs_t req;
    std::optional<Stat> st;
    if (uv_fs_fstat(nullptr, &req, fd_, nullptr) == 0) st = to_stat(req.statbuf);
    uv_fs_req_cleanup(&req);
    return st;
}

std::optional<Stat> stat_now(std::string const& path) noexcept {
    uv_fs_t req;
    std::optional<Stat> st;
    if (uv_fs_stat(nullptr, &req, path.c_str(), nullptr) == 0) st = to_stat(req.statbuf);
    uv_fs_req_cleanup(&req);
    return st;
}

Task<void> remove(std::string path) {
    FsRequest unlink{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) { return uv_fs_unlink(loop, req, path.c_str(), cb); }};
    throw_if_failed(co_await unlink, "unlink", path);
}

Task<std::int64_t> send_file(int out, File const& in, std::uint64_t offset, std::size_t length) {
    FsRequest send{[&](uv_loop_t* loop, uv_fs_t* req, uv_fs_cb cb) {
        return uv_fs_sendfile(loop, req, out, in.fd(), static_cast<std::int64_t>(offset), length, cb);
    }};
    co_return co_await send;
}

}  // namespace tern::fs
