#include <tern/files/content_type.hpp>

#include <doctest/doctest.h>

using tern::files::content_type_for;

TEST_CASE("pages, styles and scripts are text in UTF-8") {
    CHECK(content_type_for("index.html") == "text/html; charset=utf-8");
    CHECK(content_type_for("old/page.htm") == "text/html; charset=utf-8");
    CHECK(content_type_for("css/site.css") == "text/css; charset=utf-8");
    CHECK(content_type_for("app.js") == "text/javascript; charset=utf-8");
    CHECK(content_type_for("module.mjs") == "text/javascript; charset=utf-8");
    CHECK(content_type_for("notes.txt") == "text/plain; charset=utf-8");
    CHECK(content_type_for("table.csv") == "text/csv; charset=utf-8");
    CHECK(content_type_for("README.md") == "text/markdown; charset=utf-8");
}

TEST_CASE("JSON, images, fonts, media and archives get their registered types") {
    CHECK(content_type_for("data.json") == "application/json");
    CHECK(content_type_for("app.js.map") == "application/json");
    CHECK(content_type_for("feed.xml") == "application/xml");
    CHECK(content_type_for("logo.svg") == "image/svg+xml");
    CHECK(content_type_for("a.png") == "image/png");
    CHECK(content_type_for("a.jpg") == "image/jpeg");
    CHECK(content_type_for("a.jpeg") == "image/jpeg");
    CHECK(content_type_for("a.gif") == "image/gif");
    CHECK(content_type_for("a.webp") == "image/webp");
    CHECK(content_type_for("a.avif") == "image/avif");
    CHECK(content_type_for("favicon.ico") == "image/x-icon");
    CHECK(content_type_for("app.wasm") == "application/wasm");
    CHECK(content_type_for("doc.pdf") == "application/pdf");
    CHECK(content_type_for("a.zip") == "application/zip");
    CHECK(content_type_for("a.tar") == "application/x-tar");
    CHECK(content_type_for("f.woff") == "font/woff");
    CHECK(content_type_for("f.woff2") == "font/woff2");
    CHECK(content_type_for("f.ttf") == "font/ttf");
    CHECK(content_type_for("f.otf") == "font/otf");
    CHECK(content_type_for("v.mp4") == "video/mp4");
    CHECK(content_type_for("v.webm") == "video/webm");
    CHECK(content_type_for("s.mp3") == "audio/mpeg");
    CHECK(content_type_for("s.ogg") == "audio/ogg");
    CHECK(content_type_for("s.wav") == "audio/wav");
}

TEST_CASE("only the last extension counts: a gzipped tarball is gzip") {
    CHECK(content_type_for("release.tar.gz") == "application/gzip");
}

TEST_CASE("extensions are compared without regard to case") {
    CHECK(content_type_for("INDEX.HTML") == "text/html; charset=utf-8");
    CHECK(content_type_for("Photo.JpG") == "image/jpeg");
}

TEST_CASE("no extension, an unknown one or a dotfile is application/octet-stream") {
    CHECK(content_type_for("Makefile") == "application/octet-stream");
    CHECK(content_type_for("archive.7z") == "application/octet-stream");
    CHECK(content_type_for(".env") == "application/octet-stream");
    CHECK(content_type_for("config/.htaccess") == "application/octet-stream");
    CHECK(content_type_for("trailing.") == "application/octet-stream");
    CHECK(content_type_for("") == "application/octet-stream");
    CHECK(content_type_for("a.averyveryverylongextension") == "application/octet-stream");
}

TEST_CASE("a dot in a directory name is not the file's extension") {
    CHECK(content_type_for("v1.2/LICENSE") == "application/octet-stream");
    CHECK(content_type_for("site.css/readme") == "application/octet-stream");
}
