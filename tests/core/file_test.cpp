#include <tern/core/file.hpp>

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <string>

#include <tern/core/error.hpp>
#include <tern/core/fs.hpp>
#include <tern/core/loop.hpp>

namespace {
std::string temp_prefix() {
    return (std::filesystem::temp_directory_path() / ("tern_file_" + std::to_string(getpid()) + "_")).string();
}
}  // namespace

TEST_CASE("a temporary file is created with a unique name, written and read back piecewise") {
    auto const [path, back, size] = tern::run([]() -> tern::Task<std::tuple<std::string, std::string, std::uint64_t>> {
        auto file = co_await tern::fs::File::create_temp(temp_prefix());
        co_await file.write_all(0, "hello ");
        co_await file.write_all(6, "world");
        std::array<char, 5> part{};
        auto const n = co_await file.read(6, part);
        auto const st = co_await file.stat();
        co_await file.close();
        co_return std::tuple{file.path(), std::string(part.data(), n), st.size};
    }());
    CHECK(path.starts_with(temp_prefix()));
    CHECK(path.size() == temp_prefix().size() + 6);
    CHECK(back == "world");
    CHECK(size == 11);
    CHECK(std::filesystem::file_size(path) == 11);
    std::filesystem::remove(path);
}

TEST_CASE("stat tells a directory from a regular file, and a missing path is UV_ENOENT") {
    auto const dir = std::filesystem::temp_directory_path().string();
    auto const st = tern::run(tern::fs::stat(dir));
    CHECK(st.directory);
    CHECK_FALSE(st.regular);
    try {
        tern::run(tern::fs::stat(dir + "/tern-no-such-file"));
        FAIL("stat of a missing file did not throw");
    } catch (tern::fs::Error const& e) {
        CHECK(e.code() == tern::uv_error(UV_ENOENT));
    }
}

TEST_CASE("realpath resolves symlinks, and remove deletes") {
    auto const base = temp_prefix() + "real";
    std::filesystem::create_directories(base);
    std::filesystem::create_symlink(base, base + "-link");
    auto const real = tern::run(tern::fs::realpath(base + "-link"));
    CHECK(real == std::filesystem::canonical(base).string());
    tern::run(tern::fs::remove(base + "-link"));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(base + "-link")));
    std::filesystem::remove(base);
}

TEST_CASE("a File left open is closed by its destructor, so no descriptor leaks") {
    int fd = -1;
    tern::run([](int& out) -> tern::Task<void> {
        auto file = co_await tern::fs::File::open("/dev/null");
        out = file.fd();
    }(fd));
    REQUIRE(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == -1);   // already closed
}

TEST_CASE("send_file copies a file's range into a socket") {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    auto const sent = tern::run([](int out) -> tern::Task<std::int64_t> {
        auto file = co_await tern::fs::File::create_temp(temp_prefix());
        co_await file.write_all(0, "0123456789");
        auto const n = co_await tern::fs::send_file(out, file, 3, 4);
        co_await tern::fs::remove(file.path());
        co_return n;
    }(sv[0]));
    CHECK(sent == 4);
    char buf[8] = {};
    CHECK(::read(sv[1], buf, sizeof buf) == 4);
    CHECK(std::string(buf) == "3456");
    ::close(sv[0]);
    ::close(sv[1]);
}
