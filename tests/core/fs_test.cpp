#include <tern/core/fs.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <tern/core/loop.hpp>

namespace {
std::string temp_path(char const* name) {
    return (std::filesystem::temp_directory_path() / (std::string("tern_fs_") + std::to_string(getpid()) + "_" + name))
        .string();
}
}  // namespace

TEST_CASE("write_file then read_file round-trips the bytes, large files included") {
    auto const path = temp_path("roundtrip");
    std::string data(300 * 1024 + 7, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
    auto const back = tern::run([](std::string p, std::string d) -> tern::Task<std::string> {
        co_await tern::fs::write_file(p, d);
        co_return co_await tern::fs::read_file(p);
    }(path, data));
    CHECK(back == data);
    std::remove(path.c_str());
}

TEST_CASE("read_file of a missing path raises an error naming the path and the OS reason") {
    auto const path = temp_path("does_not_exist");
    try {
        tern::run(tern::fs::read_file(path));
        FAIL("read_file of a missing file did not throw");
    } catch (tern::fs::Error const& e) {
        CHECK(e.path() == path);
        CHECK(std::string(e.what()).find(path) != std::string::npos);
        CHECK(std::string(e.what()).find("no such file or directory") != std::string::npos);
    }
}

TEST_CASE("write_file into a missing directory fails with the path") {
    CHECK_THROWS_WITH_AS(tern::run(tern::fs::write_file("/nonexistent-dir/x.txt", "x")),
                         doctest::Contains("/nonexistent-dir/x.txt"), tern::fs::Error);
}
