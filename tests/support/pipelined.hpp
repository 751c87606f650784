#pragma once
// What the conformance tests check around each request: that a refusal ends the connection with
// nothing pipelined behind it answered, that an accepted request leaves the connection usable,
// and that a fresh client is served at once afterwards. Each app under test serves GET / (200).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace tern::testing {

/// A well-formed request, pipelined behind the one under test.
inline constexpr std::string_view pipelined_get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

/// Sends `raw` and then pipelined_get on one connection. The first must be refused with a
/// response that announces the close; the server must then close without answering the second.
inline WireResponse refused_before_pipelined(std::uint16_t port, std::string_view raw) {
    RawClient client{port, std::chrono::milliseconds(2000)};
    client.send(std::string(raw) + std::string(pipelined_get));
    auto res = client.read_response();
    REQUIRE_MESSAGE(res, "no answer to the refused request");
    CHECK_MESSAGE(res->header("Connection") == "close", "a refusal must announce the close");
    CHECK_MESSAGE(client.closed_by_peer(), "the server must close, answering nothing after the refusal");
    return *res;
}

/// Sends `raw` and then pipelined_get on one connection; both must be answered, the second with
/// 200. Returns the first answer.
inline WireResponse served_then_pipelined(std::uint16_t port, std::string_view raw) {
    RawClient client{port, std::chrono::milliseconds(2000)};
    client.send(std::string(raw) + std::string(pipelined_get));
    auto first = client.read_response();
    REQUIRE_MESSAGE(first, "no answer to the first request");
    auto second = client.read_response();
    REQUIRE_MESSAGE(second, "the request pipelined behind it was not answered");
    CHECK(second->status == 200);
    return *first;
}

/// A new connection is served within a second, whatever came before it.
inline void check_fresh_client_served(std::uint16_t port) {
    Stopwatch watch;
    RawClient client{port, std::chrono::milliseconds(2000)};
    client.send(pipelined_get);
    auto res = client.read_response();
    REQUIRE_MESSAGE(res, "a fresh client was not served after a refused one");
    CHECK(res->status == 200);
    CHECK(watch.elapsed() < std::chrono::milliseconds(1000));
}

}  // namespace tern::testing
