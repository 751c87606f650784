#include <tern/compress/compressible.hpp>  // first include: proves the header is self-contained

#include <doctest/doctest.h>

#include <string_view>

using tern::compress::is_compressible;

TEST_CASE("text, JSON, XML, JavaScript, SVG and WebAssembly are compressible") {
    for (std::string_view type : {"text/html", "text/plain", "text/css", "text/csv", "text/javascript",
                                  "application/json", "application/problem+json", "application/ld+json",
                                  "application/manifest+json", "application/javascript", "application/xml",
                                  "application/atom+xml", "image/svg+xml", "application/wasm",
                                  "application/x-ndjson", "application/yaml", "font/ttf", "image/x-icon"}) {
        CAPTURE(type);
        CHECK(is_compressible(type));
    }
}

TEST_CASE("a Server-Sent Events stream is compressible") {
    CHECK(is_compressible("text/event-stream"));
}

TEST_CASE("what is already compressed, or of unknown content, is not") {
    for (std::string_view type : {"image/png", "image/jpeg", "image/webp", "image/avif", "video/mp4", "audio/mpeg",
                                  "application/zip", "application/gzip", "application/x-gzip", "font/woff2",
                                  "font/woff", "application/pdf", "application/octet-stream",
                                  "multipart/form-data; boundary=x", "application/vnd.openxmlformats"}) {
        CAPTURE(type);
        CHECK_FALSE(is_compressible(type));
    }
}

TEST_CASE("parameters, surrounding whitespace and case do not matter") {
    CHECK(is_compressible("text/html; charset=utf-8"));
    CHECK(is_compressible("  Application/JSON ;charset=UTF-8"));
    CHECK(is_compressible("IMAGE/SVG+XML"));
}

TEST_CASE("an empty or malformed type is not compressible") {
    for (std::string_view type : {"", "text", "text/", "/html", ";charset=utf-8", "json"}) {
        CAPTURE(type);
        CHECK_FALSE(is_compressible(type));
    }
}
