// The compression middleware: negotiated gzip/deflate on whole and streamed bodies.
#include <tern/http/compression.hpp>

#include <doctest/doctest.h>

#include <string>

#include <tern/compress/decoder.hpp>
#include <tern/core/time.hpp>
#include <tern/http/app.hpp>
#include <tern/http/sse.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

namespace {

std::string big_json() {
    std::string doc = "[";
    for (int i = 0; i < 2000; ++i) {
        if (i) doc += ',';
        doc += "{\"id\":";
        doc += std::to_string(i);
        doc += ",\"name\":\"item\"}";
    }
    return doc + "]";
}

std::string get(std::string_view path, std::string_view accept_encoding) {
    std::string out = "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n";
    if (!accept_encoding.empty()) out += "Accept-Encoding: " + std::string(accept_encoding) + "\r\n";
    return out + "\r\n";
}

struct Fixture {
    Fixture() {
        app.use(tern::compression());
        app.get("/json", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::raw_json(big_json()).header("ETag", "\"v1\"");
        });
        app.get("/small", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("tiny"); });
        app.get("/png", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::bytes(std::string(5000, 'x'), "image/png");
        });
        app.get("/already", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::text(std::string(5000, 'x')).header("Content-Encoding", "br");
        });
        app.get("/events", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::sse::response([]() -> tern::Generator<tern::sse::Event> {
                for (int i = 0; i < 2; ++i) {
                    tern::sse::Event event{.data = "tick " + std::to_string(i)};
                    co_yield event;
                    co_await tern::sleep(1h);   // the first event must arrive before this ends
                }
            }());
        });
    }
    tern::App app;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a large JSON body is gzipped for a client that accepts gzip, with Vary and a weak ETag") {
    TestServer server{app};
    auto res = request(server.port(), get("/json", "gzip, deflate"));
    REQUIRE(res);
    CHECK(res->header("Content-Encoding") == "gzip");
    CHECK(res->header("Vary") == "Accept-Encoding");
    CHECK(res->header("ETag") == "W/\"v1\"");
    CHECK(res->header("Content-Length") == std::to_string(res->body.size()));
    CHECK(res->body.size() < big_json().size() / 5);
    CHECK(tern::compress::decompress(res->body, tern::compress::Format::gzip, 1 << 24) == big_json());
}

TEST_CASE_FIXTURE(Fixture, "q-values choose the coding: gzip refused means deflate") {
    TestServer server{app};
    auto res = request(server.port(), get("/json", "gzip;q=0, deflate;q=0.5"));
    REQUIRE(res);
    CHECK(res->header("Content-Encoding") == "deflate");
    CHECK(tern::compress::decompress(res->body, tern::compress::Format::deflate, 1 << 24) == big_json());
}

TEST_CASE_FIXTURE(Fixture, "without Accept-Encoding, or with identity only, the body goes as it is but still varies") {
    TestServer server{app};
    for (auto accept : {"", "identity", "br"}) {
        CAPTURE(accept);
        auto res = request(server.port(), get("/json", accept));
        REQUIRE(res);
        CHECK(res->header("Content-Encoding") == "");
        CHECK(res->header("Vary") == "Accept-Encoding");
        CHECK(res->header("ETag") == "\"v1\"");
        CHECK(res->body == big_json());
    }
}

TEST_CASE_FIXTURE(Fixture, "small bodies, incompressible types and encoded bodies are left alone") {
    TestServer server{app};
    auto small = request(server.port(), get("/small", "gzip"));
    REQUIRE(small);
    CHECK(small->header("Content-Encoding") == "");
    CHECK(small->body == "tiny");
    auto png = request(server.port(), get("/png", "gzip"));
    REQUIRE(png);
    CHECK(png->header("Content-Encoding") == "");
    CHECK(png->header("Vary") == "");
    auto already = request(server.port(), get("/already", "gzip"));
    REQUIRE(already);
    CHECK(already->header("Content-Encoding") == "br");   // never twice
    CHECK(already->body == std::string(5000, 'x'));
}

TEST_CASE_FIXTURE(Fixture, "a compressed event stream is flushed per event: the first one decodes before the stream ends") {
    TestServer server{app};
    RawClient client{server.port()};
    client.send(get("/events", "gzip"));
    auto head = client.read_until("\r\n\r\n");
    REQUIRE(head);
    CHECK(head->find("Content-Encoding: gzip") != std::string::npos);
    CHECK(head->find("Transfer-Encoding: chunked") != std::string::npos);
    // Read chunks until the decoder yields the first event; the generator is then asleep for an
    // hour, so it can only have come from a flushed chunk.
    tern::compress::Decoder decoder{tern::compress::Format::gzip, 1 << 20};
    std::string decoded;
    for (int i = 0; i < 10 && decoded.find("data: tick 0\n\n") == std::string::npos; ++i) {
        auto size_line = client.read_until("\r\n");
        REQUIRE(size_line);
        auto const size = std::stoul(*size_line, nullptr, 16);
        auto chunk = client.read_until("\r\n");   // gzip bytes may hold CRLF: accumulate to the size
        REQUIRE(chunk);
        while (chunk->size() < size + 2) {
            auto more = client.read_until("\r\n");
            REQUIRE(more);
            *chunk += *more;
        }
        decoder.write(chunk->substr(0, size), decoded);
    }
    CHECK(decoded == "data: tick 0\n\n");
}
