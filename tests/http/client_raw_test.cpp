// tern::http::Client against a raw TCP listener in the same loop that answers with bytes the
// test writes: malformed and cut responses, close-delimited bodies, 1xx, stray bytes, stale
// pooled connections and the retry rule, timeouts in the middle of a body.
#include <tern/http/client/client.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <type_traits>
#include <string>
#include <vector>

#include <tern/core/loop.hpp>
#include <tern/core/spawn.hpp>
#include <tern/core/time.hpp>
#include <tern/net/tcp.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::Task;
using tern::http::Client;
using tern::http::ClientOptions;
using tern::http::ClientResponse;

namespace {

// What the raw server does on one connection: answers each request with the next string;
// after the last one it closes the connection (or, with `hold`, keeps it open until the
// loop ends). An answer of "" closes the connection when that request has arrived.
struct Script {
    std::vector<std::string> answers;
    bool hold = false;
};

struct Seen {
    int connections = 0;
    int requests = 0;
};

// Reads one request (head, and a Content-Length body); false at EOF.
Task<bool> read_request(tern::TcpStream& stream, tern::InputBuffer& input) {
    for (;;) {
        std::string_view const data = input.data();
        auto const end = data.find("\r\n\r\n");
        if (end != std::string_view::npos) {
            std::size_t body = 0;
            auto const cl = data.substr(0, end).find("Content-Length: ");
            if (cl != std::string_view::npos) body = std::stoul(std::string(data.substr(cl + 16, 12)));
            if (data.size() >= end + 4 + body) {
                input.consume(end + 4 + body);
                co_return true;
            }
        }
        std::error_code const ec = co_await stream.read(5000ms);
        if (ec) co_return false;
    }
}

Task<> serve_one(tern::TcpStream stream, Script script, Seen& seen) {
    tern::InputBuffer input{1 << 20};
    stream.start_reading(input);
    for (std::string const& answer : script.answers) {
        Task<bool> reading = read_request(stream, input);
        if (!co_await std::move(reading)) co_return;
        ++seen.requests;
        if (answer.empty()) co_return;
        if (co_await stream.write(answer)) co_return;
    }
    if (script.hold) co_await tern::sleep(10s);
}

// Accepts one connection per script, in order, and serves them one after the other.
Task<> raw_server(std::shared_ptr<tern::TcpListener> listener, std::vector<Script> scripts, Seen& seen) {
    for (Script& script : scripts) {
        auto [ec, stream] = co_await listener->accept();
        if (ec) co_return;
        ++seen.connections;
        Task<> serving = serve_one(std::move(stream), std::move(script), seen);
        co_await std::move(serving);
    }
}

// Runs `body(client, url)` in a loop with the raw server spawned beside it.
template <typename Body, typename R = typename std::invoke_result_t<Body, Client&, std::string>::value_type>
R with_raw_server(std::vector<Script> scripts, Seen& seen, ClientOptions options, Body body) {
    return tern::run([](std::vector<Script> s, Seen& counts, ClientOptions o, Body b) -> Task<R> {
        auto listener = std::make_shared<tern::TcpListener>(tern::TcpListener::bind("127.0.0.1", 0, false));
        std::string const url = "http://127.0.0.1:" + std::to_string(listener->port()) + "/raw";
        auto server = tern::spawn(raw_server(listener, std::move(s), counts));
        Client client{o};
        Task<R> task = b(client, url);
        co_return co_await std::move(task);
    }(std::move(scripts), seen, std::move(options), std::move(body)));
}

std::string ok(std::string_view body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// The message of the ClientError one GET to the raw server ends with, or "" if none.
std::string error_of(std::string answer, ClientOptions options = {}) {
    Seen seen;
    return with_raw_server({Script{{std::move(answer)}}}, seen, std::move(options),
                           [](Client& client, std::string url) -> Task<std::string> {
                               try {
                                   co_await client.get(url);
                               } catch (tern::http::ClientError const& e) {
                                   co_return std::string(e.what());
                               }
                               co_return std::string();
                           });
}

}  // namespace

TEST_CASE("malformed and cut responses fail with a ClientError naming the URL and what was wrong") {
    struct Row {
        std::string answer;
        std::string error;
    };
    std::vector<Row> const rows = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "the connection closed after 3 of 10 body bytes"},
        {"HTTQ/1.1 200 OK\r\n\r\n", "malformed response: malformed status line"},
        {"hello\r\n\r\n", "malformed response"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed response: invalid chunk size"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "before the chunked body was complete"},
        {"HTTP/1.1 200 OK\r\nContent-Le", "in the middle of the response head"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "malformed response: Content-Length"},
        {"HTTP/1.1 200 OK\r\nX: " + std::string(70'000, 'a') + "\r\n\r\n", "response too large: response head exceeds 65536 bytes"},
        {"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.0 and HTTP/1.1 only"},
    };
    for (Row const& row : rows) {
        CAPTURE(row.answer.substr(0, 60));
        std::string const what = error_of(row.answer);
        CHECK(what.find(row.error) != std::string::npos);
        CHECK(what.find("GET http://127.0.0.1:") != std::string::npos);
        CHECK(what.find("/raw") != std::string::npos);
    }
}

TEST_CASE("a fresh connection closed before any answer is an error, not a retry") {
    Seen seen;
    std::string const what = with_raw_server({Script{{""}}, Script{{ok("late")}}}, seen, {},
                                             [](Client& client, std::string url) -> Task<std::string> {
                                                 try {
                                                     co_await client.get(url);
                                                 } catch (tern::http::ClientError const& e) {
                                                     co_return std::string(e.what());
                                                 }
                                                 co_return std::string();
                                             });
    CHECK(what.find("closed before any byte of the response") != std::string::npos);
    CHECK(seen.connections == 1);
}

TEST_CASE("a pooled connection that the server closed is retried once on a new one, for GET") {
    Seen seen;
    // The first connection answers once, then closes when the second request arrives.
    std::vector<Script> scripts = {Script{{ok("one"), ""}}, Script{{ok("two")}}};
    auto const texts = with_raw_server(std::move(scripts), seen, {},
                                       [](Client& client, std::string url) -> Task<std::vector<std::string>> {
                                           ClientResponse first = co_await client.get(url);
                                           ClientResponse second = co_await client.get(url);
                                           co_return std::vector<std::string>{first.text(), second.text()};
                                       });
    CHECK(texts == std::vector<std::string>{"one", "two"});
    CHECK(seen.connections == 2);
    CHECK(seen.requests == 3);
}

TEST_CASE("a POST on a pooled connection that the server closed is not retried") {
    Seen seen;
    std::vector<Script> scripts = {Script{{ok("one"), ""}}, Script{{ok("two")}}};
    std::string const what = with_raw_server(std::move(scripts), seen, {},
                                             [](Client& client, std::string url) -> Task<std::string> {
                                                 co_await client.get(url);
                                                 try {
                                                     co_await client.post(url, "data");
                                                 } catch (tern::http::ClientError const& e) {
                                                     co_return std::string(e.what());
                                                 }
                                                 co_return std::string();
                                             });
    CHECK(what.find("POST http://") != std::string::npos);
    CHECK(what.find("closed before any byte") != std::string::npos);
    CHECK(seen.connections == 1);
}

TEST_CASE("a close-delimited body is read to the close, and its connection is not reused") {
    Seen seen;
    std::vector<Script> scripts = {Script{{"HTTP/1.1 200 OK\r\n\r\nuntil the close"}}, Script{{ok("next")}}};
    auto const texts = with_raw_server(std::move(scripts), seen, {},
                                       [](Client& client, std::string url) -> Task<std::vector<std::string>> {
                                           ClientResponse first = co_await client.get(url);
                                           ClientResponse second = co_await client.get(url);
                                           co_return std::vector<std::string>{first.text(), second.text()};
                                       });
    CHECK(texts == std::vector<std::string>{"until the close", "next"});
    CHECK(seen.connections == 2);
}

TEST_CASE("Connection: close, and stray bytes after a response, keep the connection out of the pool") {
    for (std::string const& answer : {std::string("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na"),
                                      ok("a") + "HTTP/1.1 200 OK\r\n"}) {
        Seen seen;
        ClientOptions options;
        std::vector<Script> scripts = {Script{{answer}, true}, Script{{ok("b")}}};
        auto const texts = with_raw_server(std::move(scripts), seen, options,
                                           [](Client& client, std::string url) -> Task<std::vector<std::string>> {
                                               ClientResponse first = co_await client.get(url);
                                               ClientResponse second = co_await client.get(url);
                                               co_return std::vector<std::string>{first.text(), second.text()};
                                           });
        CHECK(texts == std::vector<std::string>{"a", "b"});
        CHECK(seen.connections == 2);
    }
}

TEST_CASE("1xx responses before the final one are skipped") {
    Seen seen;
    std::vector<Script> scripts = {Script{{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n" + ok("final")}}};
    ClientResponse const res = with_raw_server(std::move(scripts), seen, {},
                                               [](Client& client, std::string url) -> Task<ClientResponse> {
                                                   co_return co_await client.post(url, "x");
                                               });
    CHECK(res.status() == 200);
    CHECK(res.text() == "final");
}

TEST_CASE("a body that stops arriving hits the read-idle timeout") {
    Seen seen;
    ClientOptions options;
    options.read_timeout = 100ms;
    std::vector<Script> scripts = {Script{{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"}, true}};
    std::string const what = with_raw_server(std::move(scripts), seen, options,
                                             [](Client& client, std::string url) -> Task<std::string> {
                                                 try {
                                                     co_await client.get(url);
                                                 } catch (tern::http::ClientTimeout const& e) {
                                                     CHECK(e.phase() == "read");
                                                     co_return std::string(e.what());
                                                 }
                                                 co_return std::string();
                                             });
    CHECK(what.find("read timeout: no further byte of the response body within 100 ms") != std::string::npos);
    CHECK(what.find("/raw") != std::string::npos);
}

TEST_CASE("a connect that gets no answer hits the connect timeout") {
    // A listening socket that never accepts, its backlog filled: Linux drops further SYNs, so a
    // connect waits (the sandbox answers for unroutable addresses, so those cannot be used).
    int const listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 0) == 0);
    socklen_t size = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
        int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        (void)::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        fillers.push_back(fd);
    }
    ::usleep(50'000);
    ClientOptions options;
    options.connect_timeout = 150ms;
    Client client{options};
    std::string const url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
    tern::testing::Stopwatch watch;
    try {
        (void)tern::run(client.get(url));
        FAIL("connected");
    } catch (tern::http::ClientTimeout const& e) {
        CHECK(e.phase() == "connect");
        CHECK(std::string(e.what()).find("connect timeout") != std::string::npos);
        CHECK(std::string(e.what()).find(url) != std::string::npos);
    }
    CHECK(watch.elapsed() < 2000ms);
    for (int fd : fillers) ::close(fd);
    ::close(listener);
}

TEST_CASE("a pooled connection the server closed while it was idle is dropped before use, even for POST") {
    Seen seen;
    // The first connection answers once and closes at once; the second answers the POST.
    std::vector<Script> scripts = {Script{{ok("one")}}, Script{{ok("two")}}};
    auto const texts = with_raw_server(std::move(scripts), seen, {},
                                       [](Client& client, std::string url) -> Task<std::vector<std::string>> {
                                           ClientResponse first = co_await client.get(url);
                                           co_await tern::sleep(50ms);   // the FIN arrives meanwhile
                                           ClientResponse second = co_await client.post(url, "data");
                                           co_return std::vector<std::string>{first.text(), second.text()};
                                       });
    CHECK(texts == std::vector<std::string>{"one", "two"});
    CHECK(seen.connections == 2);
    CHECK(seen.requests == 2);
}
