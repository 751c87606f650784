#include <tern/forms/form.hpp>

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

using tern::forms::Form;
using tern::forms::UploadFile;

TEST_CASE("field gives the first value, or an empty view when the field is absent") {
    Form const form({{"a", "1"}, {"b", ""}, {"a", "2"}});
    CHECK(form.field("a") == "1");
    CHECK(form.field("b") == "");
    CHECK(form.field("missing") == "");
    CHECK(form.has_field("b"));
    CHECK_FALSE(form.has_field("missing"));
}

TEST_CASE("field_all gives every value of a repeated field, in order") {
    Form const form({{"tag", "x"}, {"other", "o"}, {"tag", "y"}});
    CHECK(form.field_all("tag") == std::vector<std::string_view>{"x", "y"});
    CHECK(form.field_all("none").empty());
}

TEST_CASE("file finds the first upload of a field, and files keeps them all in order") {
    std::vector<UploadFile> files;
    files.emplace_back("doc", "a.txt", "text/plain", "A");
    files.emplace_back("doc", "b.txt", "text/plain", "B");
    Form form({}, std::move(files));
    REQUIRE(form.file("doc") != nullptr);
    CHECK(form.file("doc")->filename() == "a.txt");
    CHECK(form.files().size() == 2);
    CHECK(form.files()[1].content() == "B");
    CHECK(form.file("nope") == nullptr);
}
