#include <tern/forms/read_form.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>

#include <tern/core/fs.hpp>
#include <tern/core/loop.hpp>
#include <tern/forms/error.hpp>

#include "forms/form_helpers.hpp"

namespace {

using tern::forms::Form;
using tern::forms::FormError;
using tern::forms::FormLimits;
using tern::forms::read_form;
using namespace tern::forms::testing;

constexpr std::size_t MiB = 1024 * 1024;

Form read_chunked(std::string content_type, std::string body, std::size_t chunk, FormLimits limits = {}) {
    return tern::run([](std::string type, std::string body, std::size_t chunk, FormLimits limits) -> tern::Task<Form> {
        auto chunks = chunks_of(std::move(body), chunk);
        co_return co_await read_form(std::move(type), chunks, std::move(limits));
    }(std::move(content_type), std::move(body), chunk, std::move(limits)));
}

Form read_buffered(std::string content_type, std::string body, FormLimits limits = {}) {
    return tern::run([](std::string type, std::string body, FormLimits limits) -> tern::Task<Form> {
        co_return co_await read_form(std::move(type), body, std::move(limits));
    }(std::move(content_type), std::move(body), std::move(limits)));
}

// The status and message read_form fails with, or {0, ""}.
std::pair<int, std::string> failure(std::string content_type, std::string body, FormLimits limits = {}) {
    try {
        read_chunked(std::move(content_type), std::move(body), 1000, std::move(limits));
    } catch (FormError const& e) {
        return {e.status(), e.what()};
    }
    return {0, ""};
}

FormLimits limits_in(TempDir const& dir) {
    FormLimits limits;
    limits.temp_dir = dir.path();
    return limits;
}

}  // namespace

TEST_CASE("an urlencoded body, whole or in chunks, becomes fields; the charset parameter is ignored") {
    for (Form const& form : {read_buffered("application/x-www-form-urlencoded", "a=1&b=x+y&a=2"),
                             read_chunked("Application/X-WWW-Form-Urlencoded; charset=UTF-8", "a=1&b=x+y&a=2", 3)}) {
        CHECK(form.field("a") == "1");
        CHECK(form.field_all("a") == std::vector<std::string_view>{"1", "2"});
        CHECK(form.field("b") == "x y");
        CHECK(form.files().empty());
    }
}

TEST_CASE("an urlencoded body past max_in_memory_bytes is a 413 while it arrives") {
    FormLimits limits;
    limits.max_in_memory_bytes = 1000;
    auto const [status, message] = failure("application/x-www-form-urlencoded", "a=" + std::string(5000, 'x'), limits);
    CHECK(status == 413);
    CHECK(message == "urlencoded body is larger than 1000 bytes");
}

TEST_CASE("a multipart body gives its fields and keeps small files in memory") {
    TempDir dir;
    std::string const body = field_part("title", "Holiday") + file_part("photo", "beach.jpg", "JPEG\r\n--bytes", "image/jpeg") +
                             field_part("tag", "sea") + field_part("tag", "sun") + closing();
    for (std::size_t chunk : {1, 7, 4096}) {
        Form const form = read_chunked(multipart_type, body, chunk, limits_in(dir));
        CHECK(form.fields() == Form::Fields{{"title", "Holiday"}, {"tag", "sea"}, {"tag", "sun"}});
        REQUIRE(form.files().size() == 1);
        auto const* photo = form.file("photo");
        REQUIRE(photo != nullptr);
        CHECK(photo->filename() == "beach.jpg");
        CHECK(photo->content_type() == "image/jpeg");
        CHECK(photo->in_memory());
        CHECK(photo->content() == "JPEG\r\n--bytes");
        CHECK(photo->size() == 13);
        CHECK(form.file("title") == nullptr);
    }
    CHECK(dir.entries().empty());
}

TEST_CASE("a 3 MiB file goes to a temporary file that lives as long as the Form") {
    TempDir dir;
    std::string const content = binary_content(3 * MiB);
    std::string path;
    {
        Form form = read_chunked(multipart_type, field_part("name", "big") + file_part("blob", "big.bin", content) + closing(),
                                 64 * 1024, limits_in(dir));
        auto const* blob = form.file("blob");
        REQUIRE(blob != nullptr);
        CHECK_FALSE(blob->in_memory());
        CHECK(blob->content().empty());
        CHECK(blob->size() == content.size());
        path = blob->path();
        CHECK(path.starts_with(dir.path() + "/tern-upload-"));
        CHECK(dir.entries() == std::vector<std::string>{path});
        CHECK(std::filesystem::file_size(path) == content.size());
        CHECK(tern::run(blob->read()) == content);
        CHECK(form.field("name") == "big");
    }
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(dir.entries().empty());
}

TEST_CASE("a buffered body spills its large files too") {
    TempDir dir;
    std::string const content = binary_content(2 * MiB + 3);
    Form form = read_buffered(multipart_type, file_part("a", "a.bin", content) + closing(), limits_in(dir));
    REQUIRE(form.files().size() == 1);
    CHECK_FALSE(form.files()[0].in_memory());
    CHECK(tern::run(form.files()[0].read()) == content);
}

TEST_CASE("a file at the spill threshold stays in memory and one byte more goes to disk") {
    TempDir dir;
    FormLimits limits = limits_in(dir);
    limits.spill_threshold = 100;
    Form const form = read_chunked(
        multipart_type, file_part("a", "a", std::string(100, 'a')) + file_part("b", "b", std::string(101, 'b')) + closing(), 9,
        limits);
    CHECK(form.file("a")->in_memory());
    CHECK_FALSE(form.file("b")->in_memory());
    CHECK(dir.entries().size() == 1);
}

TEST_CASE("small files that would pass max_in_memory_bytes together go to disk instead of failing") {
    TempDir dir;
    FormLimits limits = limits_in(dir);
    limits.max_in_memory_bytes = 250;
    std::string body;
    for (int i = 0; i < 5; ++i) body += file_part("f" + std::to_string(i), "f", std::string(100, 'x'));
    Form const form = read_chunked(multipart_type, body + closing(), 50, limits);
    REQUIRE(form.files().size() == 5);
    CHECK(form.files()[0].in_memory());
    CHECK(form.files()[1].in_memory());
    for (std::size_t i = 2; i < 5; ++i) CHECK_FALSE(form.files()[i].in_memory());
    CHECK(dir.entries().size() == 3);
}

TEST_CASE("fields that pass max_in_memory_bytes together are a 413") {
    FormLimits limits;
    limits.max_in_memory_bytes = 250;
    std::string body;
    for (int i = 0; i < 3; ++i) body += field_part("f" + std::to_string(i), std::string(100, 'x'));
    CHECK(failure(multipart_type, body + closing(), limits) ==
          std::pair<int, std::string>{413, "form fields are larger than 250 bytes in all"});
}

TEST_CASE("a form that fails after a file was spilled leaves no temporary file") {
    TempDir dir;
    std::string const spilled = file_part("big", "big.bin", binary_content(3 * MiB));
    SUBCASE("the body ends before the closing boundary") {
        CHECK(failure(multipart_type, spilled + field_part("late", "x"), limits_in(dir)).first == 400);
    }
    SUBCASE("the body ends inside the spilled file") {
        CHECK(failure(multipart_type, spilled.substr(0, 2 * MiB), limits_in(dir)).first == 400);
    }
    SUBCASE("a later part is malformed") {
        std::string const bad = "--" + std::string(test_boundary) + "\r\nno colon\r\n\r\n";
        CHECK(failure(multipart_type, spilled + bad + closing(), limits_in(dir)) ==
              std::pair<int, std::string>{400, "multipart part 2: header line without ':'"});
    }
    SUBCASE("the spilled file passes max_file_size") {
        FormLimits limits = limits_in(dir);
        limits.max_file_size = 2 * MiB;
        CHECK(failure(multipart_type, spilled + closing(), limits) ==
              std::pair<int, std::string>{413, "file 'big' is larger than 2097152 bytes"});
    }
    CHECK(dir.entries().empty());
}

TEST_CASE("a media type that is not a form is a 415, and a multipart type without boundary a 400") {
    CHECK(failure("text/plain", "a=1") ==
          std::pair<int, std::string>{415, "Content-Type text/plain is not a form (application/x-www-form-urlencoded or multipart/form-data)"});
    CHECK(failure("", "a=1").first == 415);
    CHECK(failure("multipart/mixed; boundary=b", closing()).first == 415);
    CHECK(failure("multipart/form-data", closing()) ==
          std::pair<int, std::string>{400, "Content-Type multipart/form-data has no boundary parameter"});
}

TEST_CASE("a temporary directory that does not exist is an fs::Error once a file must spill") {
    FormLimits limits;
    limits.temp_dir = "/nonexistent-tern-dir";
    limits.spill_threshold = 10;
    CHECK(read_chunked(multipart_type, file_part("a", "a", "small") + closing(), 100, limits).file("a")->in_memory());
    CHECK_THROWS_WITH_AS(read_chunked(multipart_type, file_part("a", "a", std::string(50, 'x')) + closing(), 100, limits),
                         doctest::Contains("/nonexistent-tern-dir/tern-upload-"), tern::fs::Error);
}

TEST_CASE("limits may be a braced temporary inside a co_await, or left out for the defaults") {
    static_assert(std::is_trivially_copyable_v<FormLimits>, "see the comment on FormLimits: g++ 12 and braced temporaries");
    auto const counts = tern::run([]() -> tern::Task<std::pair<std::size_t, std::size_t>> {
        std::string const body = "a=1&b=2";
        Form const with = co_await read_form("application/x-www-form-urlencoded", body, {.max_parts = 5, .temp_dir = "/tmp"});
        auto chunks = chunks_of(field_part("x", "1") + closing(), 5);
        Form const without = co_await read_form(multipart_type, chunks);
        co_return std::pair{with.fields().size(), without.fields().size()};
    }());
    CHECK(counts == std::pair<std::size_t, std::size_t>{2, 1});
}
