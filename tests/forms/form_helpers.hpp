#pragma once
// What the read_form and UploadFile tests share: multipart bodies built from parts, a body
// generator that reuses one buffer for every chunk, and a private temporary directory.
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tern/core/generator.hpp>

namespace tern::forms::testing {

constexpr std::string_view test_boundary = "x-tern-test-boundary";
inline std::string const multipart_type = "multipart/form-data; boundary=" + std::string(test_boundary);

inline std::string field_part(std::string_view name, std::string_view value) {
    return "--" + std::string(test_boundary) + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
           "\"\r\n\r\n" + std::string(value) + "\r\n";
}

inline std::string file_part(std::string_view name, std::string_view filename, std::string_view content,
                             std::string_view content_type = "application/octet-stream") {
    return "--" + std::string(test_boundary) + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
           "\"; filename=\"" + std::string(filename) + "\"\r\nContent-Type: " + std::string(content_type) + "\r\n\r\n" +
           std::string(content) + "\r\n";
}

inline std::string closing() { return "--" + std::string(test_boundary) + "--\r\n"; }

/// Bytes that look like a binary file: every value, CRs and dashes included.
inline std::string binary_content(std::size_t size) {
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7919) >> 3);
    return out;
}

/// Yields `body` in chunks of `size`, each a view of the same buffer, which the next chunk
/// overwrites: what a socket's read buffer does, so a consumer that keeps views fails.
inline Generator<std::string_view> chunks_of(std::string body, std::size_t size) {
    std::string buffer;
    for (std::size_t at = 0; at < body.size(); at += size) {
        buffer.assign(body, at, size);
        co_yield std::string_view(buffer);
        buffer.assign(buffer.size(), '#');
    }
}

/// A directory of its own under the system's temporary directory, removed with what it holds.
class TempDir {
public:
    TempDir() {
        static int count = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("tern-forms-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        std::filesystem::create_directories(path_);
        name_ = path_.string();
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;

    /// Lives as long as the TempDir, so that FormLimits::temp_dir can view it.
    std::string const& path() const noexcept { return name_; }
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (auto const& entry : std::filesystem::directory_iterator(path_)) names.push_back(entry.path().string());
        return names;
    }

private:
    std::filesystem::path path_;
    std::string name_;
};

}  // namespace tern::forms::testing
