#include <tern/forms/upload_file.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include <tern/core/fs.hpp>
#include <tern/core/loop.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/read_form.hpp>

#include "forms/form_helpers.hpp"

namespace {

using tern::forms::Form;
using tern::forms::FormLimits;
using tern::forms::UploadFile;
using namespace tern::forms::testing;

std::string slurp(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// A form with one file, `content`, spilled to a temporary file in `dir`.
Form spilled_form(TempDir const& dir, std::string content) {
    FormLimits limits;
    limits.temp_dir = dir.path();
    limits.spill_threshold = 16;
    return tern::run([](std::string body, FormLimits limits) -> tern::Task<Form> {
        co_return co_await tern::forms::read_form(multipart_type, body, std::move(limits));
    }(file_part("doc", "doc.txt", content) + closing(), std::move(limits)));
}

}  // namespace

TEST_CASE("an in-memory upload reads back its bytes and saves them to a file") {
    TempDir dir;
    UploadFile file("doc", "a.txt", "text/plain", "hello");
    CHECK(file.in_memory());
    CHECK(file.size() == 5);
    CHECK(file.path().empty());
    CHECK(tern::run(file.read()) == "hello");
    std::string const target = dir.path() + "/saved.txt";
    tern::run(file.save_as(target));
    CHECK(slurp(target) == "hello");
    CHECK(file.in_memory());
}

TEST_CASE("save_as moves a spilled file away, and the Form no longer removes it") {
    TempDir dir;
    std::string const content(100, 'z');
    std::string const target = dir.path() + "/kept.txt";
    std::string temp;
    {
        Form form = spilled_form(dir, content);
        UploadFile* doc = form.file("doc");
        REQUIRE(doc != nullptr);
        temp = doc->path();
        tern::run(doc->save_as(target));
        CHECK_FALSE(std::filesystem::exists(temp));
        CHECK(doc->path() == target);
        CHECK(tern::run(doc->read()) == content);
    }
    CHECK(slurp(target) == content);
    struct stat info {};
    REQUIRE(::stat(target.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("saving a file that was already saved copies it and leaves the first copy alone") {
    TempDir dir;
    Form form = spilled_form(dir, std::string(40, 'q'));
    UploadFile* doc = form.file("doc");
    tern::run(doc->save_as(dir.path() + "/one"));
    tern::run(doc->save_as(dir.path() + "/two"));
    CHECK(slurp(dir.path() + "/one") == std::string(40, 'q'));
    CHECK(slurp(dir.path() + "/two") == std::string(40, 'q'));
}

TEST_CASE("save_as into a missing directory throws and keeps the temporary file owned") {
    TempDir dir;
    std::string temp;
    {
        Form form = spilled_form(dir, std::string(40, 'q'));
        UploadFile* doc = form.file("doc");
        temp = doc->path();
        CHECK_THROWS_WITH_AS(tern::run(doc->save_as(dir.path() + "/missing/x")), doctest::Contains("missing/x"),
                             tern::fs::Error);
        CHECK(std::filesystem::exists(temp));
    }
    CHECK_FALSE(std::filesystem::exists(temp));
}

TEST_CASE("moving an upload moves the ownership of its temporary file") {
    TempDir dir;
    Form form = spilled_form(dir, std::string(40, 'q'));
    std::string const temp = form.files()[0].path();
    UploadFile moved = std::move(form.files()[0]);
    form = Form{};
    CHECK(std::filesystem::exists(temp));
    UploadFile other("x", "x", "text/plain", "");
    other = std::move(moved);
    CHECK(std::filesystem::exists(temp));
    other = UploadFile("y", "y", "text/plain", "");
    CHECK_FALSE(std::filesystem::exists(temp));
}
