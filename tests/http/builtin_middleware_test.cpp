#include <tern/http/access_log.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include <tern/http/app.hpp>
#include <tern/http/cors.hpp>
#include <tern/core/log.hpp>
#include <tern/http/request_id.hpp>

#include "support/http_client.hpp"
#include "support/log_capture.hpp"

using tern::testing::TestServer;
using tern::testing::request;

namespace {
tern::Task<tern::Response> ok(tern::Request&) { co_return tern::Response::text("ok"); }
}  // namespace

TEST_CASE("the access log writes one Common Log Format line per request, with route and duration") {
    tern::testing::LogCapture captured;
    {
        tern::App app;
        app.use(tern::access_log());
        app.get("/items/{id}", ok);
        TestServer server{app};
        CHECK(request(server.port(), "GET /items/9?x=1 HTTP/1.1\r\nHost: t\r\n\r\n")->status == 200);
        CHECK(request(server.port(), "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")->status == 404);
    }
    auto const text = captured.text();
    CHECK(text.find("127.0.0.1 - - [") != std::string::npos);
    CHECK(text.find("\"GET /items/9?x=1 HTTP/1.1\" 200 2 \"/items/{id}\" ") != std::string::npos);
    CHECK(text.find("\"GET /nowhere HTTP/1.1\" 404 22 \"\" ") != std::string::npos);
    CHECK(text.find("ms") != std::string::npos);
}

TEST_CASE("request_id echoes a client's id, makes one otherwise, and hands it to the handler") {
    tern::App app;
    app.use(tern::request_id());
    app.get("/", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(*req.state<std::string>("request_id"));
    });
    TestServer server{app};
    auto given = request(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX-Request-ID: trace-42\r\n\r\n");
    CHECK(given->header("X-Request-ID") == "trace-42");
    CHECK(given->body == "trace-42");
    auto made = request(server.port(), "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    auto other = request(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX-Request-ID: bad id with spaces\r\n\r\n");
    CHECK_FALSE(made->header("X-Request-ID").empty());
    CHECK(made->header("X-Request-ID") != other->header("X-Request-ID"));
    CHECK(other->header("X-Request-ID").find(' ') == std::string::npos);
}

TEST_CASE("CORS answers an allowed origin's preflight itself and decorates its responses") {
    tern::App app;
    tern::CorsOptions cors;
    cors.allow_origins = {"https://app.example"};
    app.use(tern::cors(cors));
    app.post("/items", ok);
    TestServer server{app};
    auto preflight = request(server.port(),
                             "OPTIONS /items HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\n"
                             "Access-Control-Request-Method: POST\r\n\r\n");
    CHECK(preflight->status == 204);
    CHECK(preflight->header("Access-Control-Allow-Origin") == "https://app.example");
    CHECK(preflight->header("Access-Control-Allow-Methods").find("POST") != std::string::npos);
    CHECK(preflight->header("Vary") == "Origin");
    auto simple = request(server.port(), "POST /items HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\nContent-Length: 0\r\n\r\n");
    CHECK(simple->status == 200);
    CHECK(simple->header("Access-Control-Allow-Origin") == "https://app.example");
    auto stranger = request(server.port(), "POST /items HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\n\r\n");
    CHECK(stranger->header("Access-Control-Allow-Origin").empty());
}

TEST_CASE("CORS refuses credentials with a wildcard origin at configuration time") {
    tern::CorsOptions cors;
    cors.allow_origins = {"*"};
    cors.allow_credentials = true;
    CHECK_THROWS_AS(tern::cors(cors), std::invalid_argument);
}

TEST_CASE("responses: redirects, HTML, bytes with their own type, and header injection refused") {
    tern::App app;
    app.get("/old", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::redirect("/new"); });
    app.get("/page", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::html("<p>hi</p>"); });
    app.get("/blob", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::bytes(std::string("\x00\x01", 2), "image/x-test");
    });
    app.get("/inject", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::text("x").header("X-Evil", "a\r\nSet-Cookie: stolen=1");
    });
    TestServer server{app};
    auto old = request(server.port(), "GET /old HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(old->status == 307);
    CHECK(old->header("Location") == "/new");
    CHECK(request(server.port(), "GET /page HTTP/1.1\r\nHost: t\r\n\r\n")->header("Content-Type") == "text/html; charset=utf-8");
    auto blob = request(server.port(), "GET /blob HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(blob->header("Content-Type") == "image/x-test");
    CHECK(blob->body == std::string("\x00\x01", 2));
    auto injected = request(server.port(), "GET /inject HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(injected->status == 500);   // the handler's invalid header is a bug in the handler
    CHECK(injected->header("Set-Cookie").empty());
}

TEST_CASE("the access log can write JSON lines with the request id, route and duration") {
    tern::testing::LogCapture captured{"%v"};
    {
        tern::App app;
        app.use(tern::access_log(tern::AccessLogFormat::json_lines));
        app.use(tern::request_id());
        app.get("/items/{id}", ok);
        TestServer server{app};
        CHECK(request(server.port(), "GET /items/9 HTTP/1.1\r\nHost: t\r\nX-Request-ID: r-1\r\n\r\n")->status == 200);
    }
    auto const line = captured.text().substr(0, captured.text().find('\n'));
    CHECK(line.find(R"("remote":"127.0.0.1","method":"GET","target":"/items/9","status":200,"bytes":2,)") !=
          std::string::npos);
    CHECK(line.find(R"("route":"/items/{id}","duration_ms":)") != std::string::npos);
    CHECK(line.find(R"("request_id":"r-1"})") != std::string::npos);
}
