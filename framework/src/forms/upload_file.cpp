#include <tern/forms/upload_file.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include <tern/core/error.hpp>
#include <tern/core/file.hpp>
#include <tern/core/fs.hpp>
#include <tern/core/thread.hpp>

namespace tern::forms {

namespace {

constexpr std::size_t copy_chunk_size = 256 * 1024;

Task<std::string> ready(std::string bytes) { co_return bytes; }

// rename(2), on a worker thread. False when the two paths are on different file systems.
bool rename_file(std::string const& from, std::string const& to) {
    if (std::rename(from.c_str(), to.c_str()) == 0) return true;
    int const error = errno;
    if (error == EXDEV) return false;
    throw fs::Error(uv_error(-error), "rename '" + from + "' to", to);   // libuv's codes are -errno here
}

Task<void> copy_file(std::string from, std::string to) {
    fs::File in = co_await fs::File::open(from);
    fs::File out = co_await fs::File::open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::string buffer(copy_chunk_size, '\0');
    for (std::uint64_t offset = 0;;) {
        std::size_t const n = co_await in.read(offset, buffer);
        if (n == 0) break;
        co_await out.write_all(offset, std::string_view(buffer).substr(0, n));
        offset += n;
    }
    co_await out.close();
    co_await in.close();
}

}  // namespace

UploadFile::UploadFile(std::string field_name, std::string filename, std::string content_type, std::string content)
    : field_name_(std::move(field_name)),
      filename_(std::move(filename)),
      content_type_(std::move(content_type)),
      content_(std::move(content)) {
    size_ = content_.size();
}

UploadFile::UploadFile(UploadFile&& other) noexcept
    : field_name_(std::move(other.field_name_)),
      filename_(std::move(other.filename_)),
      content_type_(std::move(other.content_type_)),
      size_(other.size_),
      content_(std::move(other.content_)),
      path_(std::exchange(other.path_, {})),
      owns_file_(std::exchange(other.owns_file_, false)) {}

UploadFile& UploadFile::operator=(UploadFile&& other) noexcept {
    if (this != &other) {
        remove_owned_file();
        field_name_ = std::move(other.field_name_);
        filename_ = std::move(other.filename_);
        content_type_ = std::move(other.content_type_);
        size_ = other.size_;
        content_ = std::move(other.content_);
        path_ = std::exchange(other.path_, {});
        owns_file_ = std::exchange(other.owns_file_, false);
    }
    return *this;
}

UploadFile::~UploadFile() { remove_owned_file(); }

void UploadFile::remove_owned_file() noexcept {
    if (!std::exchange(owns_file_, false)) return;
    ::unlink(path_.c_str());   // a failure leaves a file in temp_dir, which nothing else can do better
}

Task<std::string> UploadFile::read() const {
    if (in_memory()) return ready(content_);
    return fs::read_file(path_);
}

Task<void> UploadFile::save_as(std::string destination) {
    if (in_memory()) {
        co_await fs::write_file(std::move(destination), content_);
        co_return;
    }
    if (owns_file_) {
        bool const renamed = co_await to_thread(rename_file, path_, destination);
        if (renamed) {
            owns_file_ = false;
            path_ = std::move(destination);
            co_return;
        }
    }
    co_await copy_file(path_, destination);
    if (owns_file_) {
        co_await fs::remove(path_);
        owns_file_ = false;
    }
    path_ = std::move(destination);
}

}  // namespace tern::forms
