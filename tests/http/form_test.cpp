// req.form(): urlencoded and multipart bodies, uploads spilled to disk, errors as 4xx.
#include <tern/http/request.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>

#include <tern/forms/error.hpp>
#include <tern/forms/form.hpp>
#include <tern/http/app.hpp>

#include "support/http_client.hpp"

using tern::testing::TestServer;
using tern::testing::request;

namespace {

constexpr std::string_view boundary = "XyZzy42";

std::string part(std::string_view name, std::string_view content, std::string_view filename = "") {
    std::string out = fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"", boundary, name);
    if (!filename.empty()) out += fmt::format("; filename=\"{}\"\r\nContent-Type: application/octet-stream", filename);
    return out + "\r\n\r\n" + std::string(content) + "\r\n";
}

std::string multipart_post(std::string_view path, std::string const& body) {
    return fmt::format("POST {} HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary={}\r\n"
                       "Content-Length: {}\r\n\r\n{}",
                       path, boundary, body.size(), body);
}

// Describes the form: its fields, then each file with its size and where it was kept.
tern::Task<tern::Response> describe_form(tern::Request& req) {
    auto form = co_await req.form();
    std::string out;
    for (auto const& [name, value] : form.fields()) out += fmt::format("{}={};", name, value);
    for (auto const& file : form.files()) {
        auto const content = co_await file.read();
        out += fmt::format("{}:{}:{}:{}:{};", file.field_name(), file.filename(), file.size(),
                           file.in_memory() ? "memory" : "disk", content.size() == file.size());
        if (!file.in_memory()) out += std::filesystem::exists(file.path()) ? "exists;" : "missing;";
    }
    co_return tern::Response::text(out);
}

}  // namespace

TEST_CASE("an urlencoded form post gives its fields, decoded") {
    tern::App app;
    app.post("/login", describe_form);
    TestServer server{app};
    std::string const body = "user=ada+lovelace&note=caf%C3%A9&empty=";
    auto res = request(server.port(), fmt::format("POST /login HTTP/1.1\r\nHost: t\r\n"
                                                  "Content-Type: application/x-www-form-urlencoded\r\n"
                                                  "Content-Length: {}\r\n\r\n{}",
                                                  body.size(), body));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "user=ada lovelace;note=café;empty=;");
}

TEST_CASE("a multipart upload gives fields and files; a large file goes to disk as it streams") {
    tern::App app;
    app.post("/upload", describe_form, {.max_body = 64 << 20, .stream_body = true});
    TestServer server{app};
    std::string const big(3 << 20, 'z');
    std::string const body = part("title", "holiday") + part("small", "tiny file", "a.txt") +
                             part("big", big, "b.bin") + fmt::format("--{}--\r\n", boundary);
    auto res = request(server.port(), multipart_post("/upload", body));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == fmt::format("title=holiday;small:a.txt:9:memory:true;big:b.bin:{}:disk:true;exists;", big.size()));
}

TEST_CASE("malformed forms are 400 with a message that says what was wrong") {
    tern::App app;
    app.post("/upload", describe_form, {.stream_body = true});
    TestServer server{app};
    // No boundary parameter.
    auto no_boundary = request(server.port(), "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data\r\n"
                                              "Content-Length: 4\r\n\r\nabcd");
    REQUIRE(no_boundary);
    CHECK(no_boundary->status == 400);
    CHECK(no_boundary->body.find("boundary") != std::string::npos);
    // The body ends inside a part.
    auto unterminated = request(server.port(), multipart_post("/upload", part("a", "b").substr(0, 60)));
    REQUIRE(unterminated);
    CHECK(unterminated->status == 400);
    CHECK(unterminated->body.find("closing boundary") != std::string::npos);
    // A part header without a colon.
    auto bad_header = request(server.port(), multipart_post("/upload", fmt::format("--{}\r\nnonsense\r\n\r\nx\r\n--{}--\r\n",
                                                                                    boundary, boundary)));
    REQUIRE(bad_header);
    CHECK(bad_header->status == 400);
    CHECK(bad_header->body.find("part 1") != std::string::npos);
}

TEST_CASE("a form of another media type is 415") {
    tern::App app;
    app.post("/upload", describe_form);
    TestServer server{app};
    auto res = request(server.port(), "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                      "Content-Length: 2\r\n\r\n{}");
    REQUIRE(res);
    CHECK(res->status == 415);
}
