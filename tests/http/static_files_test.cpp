// App::static_files and Response::file: types, validators, ranges, directories, traversal.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include <tern/compress/encoder.hpp>

#include <tern/http/access_log.hpp>

#include "support/http_client.hpp"
#include "support/log_capture.hpp"

namespace fs = std::filesystem;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

namespace {

void write(fs::path const& path, std::string_view content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

std::string const css = "body { color: #333; }\n/* padding so the range tests have room */\n";

// public/ is served; outside/ is next to it and must stay unreachable.
struct Tree {
    Tree() {
        base = fs::temp_directory_path() / fmt::format("tern-static-{}", getpid());
        fs::remove_all(base);
        write(base / "public/index.html", "<h1>home</h1>");
        write(base / "public/css/site.css", css);
        write(base / "public/css/site.css.gz", tern::compress::compress(css, tern::compress::Format::gzip));
        write(base / "public/docs/a.txt", "a");
        write(base / "public/docs/b & c.txt", "b");
        big.resize(8 << 20);
        for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 4096);
        write(base / "public/big.bin", big);
        write(base / "outside/secret.txt", "secret");
        write(base / "public/.env", "PASSWORD=secret");
        write(base / "public/.git/config", "secret");
        fs::create_symlink("../outside/secret.txt", base / "public/escape.txt");
        fs::create_symlink("css/site.css", base / "public/alias.css");
        app.static_files("/assets", (base / "public").string());
        app.static_files("/browse", (base / "public").string(), {.listing = true});
        app.get("/report", [this](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::file((base / "public/css/site.css").string());
        });
        app.get("/missing", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::file("/nonexistent/file.txt");
        });
    }
    ~Tree() { fs::remove_all(base); }
    fs::path base;
    std::string big;
    tern::App app;
};

std::string get(std::string_view target, std::string_view headers = "") {
    return fmt::format("GET {} HTTP/1.1\r\nHost: t\r\n{}\r\n", target, headers);
}

}  // namespace

TEST_CASE_FIXTURE(Tree, "a static file comes with its type by extension, length, ETag, Last-Modified and Accept-Ranges") {
    TestServer server{app};
    auto res = request(server.port(), get("/assets/css/site.css"));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Content-Type") == "text/css; charset=utf-8");
    CHECK(res->header("Content-Length") == std::to_string(css.size()));
    CHECK(res->header("ETag").starts_with("\""));
    CHECK(res->header("Last-Modified").ends_with(" GMT"));
    CHECK(res->header("Accept-Ranges") == "bytes");
    CHECK(res->header("Vary") == "Accept-Encoding");   // a site.css.gz exists
    CHECK(res->body == css);
}

TEST_CASE_FIXTURE(Tree, "a large file goes out whole through sendfile") {
    TestServer server{app};
    auto res = request(server.port(), get("/assets/big.bin"));
    REQUIRE(res);
    CHECK(res->header("Content-Type") == "application/octet-stream");
    CHECK(res->body.size() == big.size());
    CHECK(res->body == big);
}

TEST_CASE_FIXTURE(Tree, "If-None-Match and If-Modified-Since answer 304 with the validators and no body") {
    TestServer server{app};
    auto first = request(server.port(), get("/assets/css/site.css"));
    REQUIRE(first);
    auto const etag = first->header("ETag");
    auto const modified = first->header("Last-Modified");
    RawClient client{server.port()};
    client.send(get("/assets/css/site.css", "If-None-Match: " + etag + "\r\n"));
    auto by_tag = client.read_response(/*head_request=*/true);
    REQUIRE(by_tag);
    CHECK(by_tag->status == 304);
    CHECK(by_tag->header("ETag") == etag);
    CHECK(by_tag->header("Content-Length") == "");
    client.send(get("/assets/css/site.css", "If-Modified-Since: " + modified + "\r\n"));
    auto by_date = client.read_response(/*head_request=*/true);
    REQUIRE(by_date);
    CHECK(by_date->status == 304);
    auto stale = request(server.port(), get("/assets/css/site.css", "If-None-Match: \"other\"\r\n"
                                                                    "If-Modified-Since: " + modified + "\r\n"));
    REQUIRE(stale);
    CHECK(stale->status == 200);   // If-None-Match decides when present
    auto old = request(server.port(), get("/assets/css/site.css", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
    REQUIRE(old);
    CHECK(old->status == 200);
}

TEST_CASE_FIXTURE(Tree, "a single Range is 206 with Content-Range; an unsatisfiable one 416; several get the whole") {
    TestServer server{app};
    auto part = request(server.port(), get("/assets/css/site.css", "Range: bytes=0-9\r\n"));
    REQUIRE(part);
    CHECK(part->status == 206);
    CHECK(part->header("Content-Range") == fmt::format("bytes 0-9/{}", css.size()));
    CHECK(part->body == css.substr(0, 10));
    auto suffix = request(server.port(), get("/assets/css/site.css", "Range: bytes=-5\r\n"));
    REQUIRE(suffix);
    CHECK(suffix->status == 206);
    CHECK(suffix->body == css.substr(css.size() - 5));
    auto big_part = request(server.port(), get("/assets/big.bin", "Range: bytes=4000000-4000099\r\n"));
    REQUIRE(big_part);
    CHECK(big_part->body == big.substr(4000000, 100));
    auto beyond = request(server.port(), get("/assets/css/site.css", fmt::format("Range: bytes={}-\r\n", css.size())));
    REQUIRE(beyond);
    CHECK(beyond->status == 416);
    CHECK(beyond->header("Content-Range") == fmt::format("bytes */{}", css.size()));
    auto several = request(server.port(), get("/assets/css/site.css", "Range: bytes=0-1,5-6\r\n"));
    REQUIRE(several);
    CHECK(several->status == 200);
    CHECK(several->body == css);
    auto stale = request(server.port(), get("/assets/css/site.css", "Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n"));
    REQUIRE(stale);
    CHECK(stale->status == 200);
}

TEST_CASE_FIXTURE(Tree, "HEAD of a static file sends the headers and Content-Length, no body") {
    TestServer server{app};
    RawClient client{server.port()};
    client.send("HEAD /assets/big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response(/*head_request=*/true);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Content-Length") == std::to_string(big.size()));
    client.send(get("/assets/css/site.css"));   // nothing of the body was sent: the next answer parses
    auto next = client.read_response();
    REQUIRE(next);
    CHECK(next->body == css);
}

TEST_CASE_FIXTURE(Tree, "a directory serves its index.html; without the slash it redirects; a listing only when asked") {
    TestServer server{app};
    auto index = request(server.port(), get("/assets/"));
    REQUIRE(index);
    CHECK(index->status == 200);
    CHECK(index->header("Content-Type") == "text/html; charset=utf-8");
    CHECK(index->body == "<h1>home</h1>");
    auto bare = request(server.port(), get("/assets"));
    REQUIRE(bare);
    CHECK(bare->status == 301);
    CHECK(bare->header("Location") == "/assets/");
    auto sub = request(server.port(), get("/assets/css"));
    REQUIRE(sub);
    CHECK(sub->status == 301);
    CHECK(sub->header("Location") == "/assets/css/");
    auto no_index = request(server.port(), get("/assets/docs/"));
    REQUIRE(no_index);
    CHECK(no_index->status == 403);
    auto listed = request(server.port(), get("/browse/docs/"));
    REQUIRE(listed);
    CHECK(listed->status == 200);
    CHECK(listed->body.find("<a href=\"a.txt\">a.txt</a>") != std::string::npos);
    CHECK(listed->body.find("<a href=\"b%20%26%20c.txt\">b &amp; c.txt</a>") != std::string::npos);
}

TEST_CASE_FIXTURE(Tree, "every way out of the root is 404") {
    TestServer server{app};
    for (std::string_view target : {"/assets/../outside/secret.txt", "/assets/%2e%2e/outside/secret.txt",
                                    "/assets/%2E%2e/outside/secret.txt", "/assets/.%2e/outside/secret.txt",
                                    "/assets/css/..%2f..%2f..%2foutside%2fsecret.txt", "/assets/..%2foutside/secret.txt",
                                    "/assets/..%5coutside%5csecret.txt", "/assets/css%5c..%5c..%5coutside/secret.txt",
                                    "/assets/css/site.css%00.png", "/assets//etc/passwd", "/assets/css//site.css",
                                    "/assets/escape.txt", "/assets/%2fetc%2fpasswd", "/assets/C:/windows",
                                    "/assets/.env", "/assets/.git/config", "/assets/%2eenv"}) {
        CAPTURE(target);
        auto res = request(server.port(), get(target));
        REQUIRE(res);
        CHECK((res->status == 404 || res->status == 400));
        CHECK(res->body.find("secret") == std::string::npos);
        CHECK(res->body.find("root:") == std::string::npos);
    }
    // A symlink that stays inside the root is followed.
    auto alias = request(server.port(), get("/assets/alias.css"));
    REQUIRE(alias);
    CHECK(alias->status == 200);
    CHECK(alias->body == css);
}

TEST_CASE_FIXTURE(Tree, "a precompressed name.gz is served to clients that accept gzip, with the original type") {
    TestServer server{app};
    auto gz = request(server.port(), get("/assets/css/site.css", "Accept-Encoding: gzip, br\r\n"));
    REQUIRE(gz);
    CHECK(gz->status == 200);
    CHECK(gz->header("Content-Encoding") == "gzip");
    CHECK(gz->header("Content-Type") == "text/css; charset=utf-8");
    CHECK(gz->header("Vary") == "Accept-Encoding");
    CHECK(gz->body == tern::compress::compress(css, tern::compress::Format::gzip));
    auto refused = request(server.port(), get("/assets/css/site.css", "Accept-Encoding: gzip;q=0\r\n"));
    REQUIRE(refused);
    CHECK(refused->header("Content-Encoding") == "");
    CHECK(refused->body == css);
}

TEST_CASE_FIXTURE(Tree, "a FIFO under the root is 404 at once, and a FIFO index leaves its directory to the listing") {
    // Opening a FIFO for reading blocks until a writer comes: it must never be opened.
    REQUIRE(::mkfifo((base / "public/pipe").c_str(), 0644) == 0);
    fs::create_directories(base / "public/piped");
    REQUIRE(::mkfifo((base / "public/piped/index.html").c_str(), 0644) == 0);
    TestServer server{app};
    auto pipe = request(server.port(), get("/assets/pipe"));
    REQUIRE(pipe);
    CHECK(pipe->status == 404);
    auto no_listing = request(server.port(), get("/assets/piped/"));
    REQUIRE(no_listing);
    CHECK(no_listing->status == 403);
    auto listed = request(server.port(), get("/browse/piped/"));
    REQUIRE(listed);
    CHECK(listed->status == 200);
    CHECK(listed->body.find("index.html") != std::string::npos);
}

TEST_CASE_FIXTURE(Tree, "a file changed between two requests is answered from what is on disk now") {
    TestServer server{app};
    auto first = request(server.port(), get("/assets/docs/a.txt"));
    REQUIRE(first);
    CHECK(first->body == "a");
    write(base / "public/docs/a.txt", "changed");
    auto second = request(server.port(), get("/assets/docs/a.txt", fmt::format("If-None-Match: {}\r\n", first->header("ETag"))));
    REQUIRE(second);
    CHECK(second->status == 200);
    CHECK(second->body == "changed");
    CHECK(second->header("ETag") != first->header("ETag"));
}

TEST_CASE("under a root of \"/\", a precompressed twin is found too (its path once lost a character)") {
    fs::path const dir = fs::temp_directory_path() / fmt::format("tern-static-root-{}", getpid());
    fs::remove_all(dir);
    write(dir / "site.css", css);
    write(dir / "site.css.gz", tern::compress::compress(css, tern::compress::Format::gzip));
    tern::App app;
    app.static_files("/disk", "/");
    TestServer server{app};
    std::string const target = "/disk" + fs::canonical(dir / "site.css").string();
    auto res = request(server.port(), get(target, "Accept-Encoding: gzip\r\n"));
    fs::remove_all(dir);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Content-Encoding") == "gzip");
    CHECK(res->header("Vary") == "Accept-Encoding");
    CHECK(res->body == tern::compress::compress(css, tern::compress::Format::gzip));
}

TEST_CASE_FIXTURE(Tree, "Response::file from a handler: type by extension, 404 when the file is missing") {
    TestServer server{app};
    auto res = request(server.port(), get("/report"));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Content-Type") == "text/css; charset=utf-8");
    CHECK(res->body == css);
    auto missing = request(server.port(), get("/missing"));
    REQUIRE(missing);
    CHECK(missing->status == 404);
}

TEST_CASE("the access log reports a file's final status and bytes: 304 and 404 included") {
    Tree tree;
    tern::App& app = tree.app;
    app.use(tern::access_log());
    tern::testing::LogCapture logs;
    {
        TestServer server{app};
        auto first = request(server.port(), get("/report"));
        REQUIRE(first);
        auto again = request(server.port(), get("/report", "If-None-Match: " + first->header("ETag") + "\r\n"));
        REQUIRE(again);
        CHECK(again->status == 304);
        auto missing = request(server.port(), get("/missing"));
        REQUIRE(missing);
        server.stop();
    }
    auto const text = logs.text();
    CHECK(text.find(fmt::format("\"GET /report HTTP/1.1\" 200 {} ", css.size())) != std::string::npos);
    CHECK(text.find("\"GET /report HTTP/1.1\" 304 0 ") != std::string::npos);
    CHECK(text.find("\"GET /missing HTTP/1.1\" 404 ") != std::string::npos);
}
